// A usage mistake: the CLI prints the message and the usage, and exits 2.
export class UsageError extends Error {}

export interface ArgSpec {
  // Options that take a value and may repeat: --scope a --scope b, --scope=a,b.
  values?: readonly string[];
  // Options without a value: --json.
  flags?: readonly string[];
  // How many positionals are allowed.
  maxPositionals: number;
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string[]>;
  flags: Set<string>;
}

function take(
  spec: ArgSpec,
  parsed: ParsedArgs,
  name: string,
  inline: string | undefined,
  next: () => string | undefined,
): void {
  if (spec.flags?.includes(name)) {
    if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
    parsed.flags.add(name);
    return;
  }
  if (!spec.values?.includes(name)) throw new UsageError(`unknown option --${name}`);
  const value = inline ?? next();
  if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
  parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
}

// A deliberately small parser: --name value, --name=value, repeated options, `--` ends options.
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
  let i = 0;
  const next = () => (i + 1 < argv.length && !argv[i + 1].startsWith('--') ? argv[++i] : undefined);
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      parsed.positionals.push(...argv.slice(i + 1));
      break;
    }
    const option = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (option) take(spec, parsed, option[1], option[2], next);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else parsed.positionals.push(arg);
  }
  if (parsed.positionals.length > spec.maxPositionals) {
    throw new UsageError(`unexpected argument ${parsed.positionals[spec.maxPositionals]}`);
  }
  return parsed;
}
