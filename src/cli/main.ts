// First: the config classes' decorators record their types only once reflect-metadata is loaded.
import 'reflect-metadata';
import { DomainError } from '../common/errors/domain-error';
import { ConfigError } from '../config/env.validation';
import { UsageError } from './cli-args';
import { io } from './cli-io';
import { USAGE } from './cli-usage';
import { DBT_COMMANDS } from './dbt-commands';

type Command = (argv: readonly string[]) => Promise<number>;

// Loaded on demand: `defs validate` never loads the database code.
const COMMANDS: Record<string, () => Promise<Command>> = {
  'defs validate': async () => (await import('./defs.command')).defsValidate,
  'defs plan': async () => {
    const { defsPlanOrApply } = await import('./defs.command');
    return (argv) => defsPlanOrApply('plan', argv);
  },
  'defs apply': async () => {
    const { defsPlanOrApply } = await import('./defs.command');
    return (argv) => defsPlanOrApply('apply', argv);
  },
  'keys create': async () => (await import('./keys.command')).keysCreate,
  'keys revoke': async () => (await import('./keys.command')).keysRevoke,
  'keys set-limit': async () => (await import('./keys.command')).keysSetLimit,
  'keys list': async () => (await import('./keys.command')).keysList,
  ...DBT_COMMANDS,
};

// Commands of one word: `run <source-or-trait>`, `demo`.
const SINGLE: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.command')).runSource,
  demo: async () => (await import('./demo.command')).demo,
};

function report(err: unknown): number {
  if (err instanceof UsageError) {
    io.err(`traitbase: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (err instanceof DomainError) {
    io.err(`traitbase: ${err.message}`);
    for (const [field, rule] of Object.entries(err.details ?? {})) io.err(`  ${field}: ${rule}`);
    return 1;
  }
  io.err(
    `traitbase: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`,
  );
  return 1;
}

export async function run(argv: readonly string[]): Promise<number> {
  const [group, command, ...rest] = argv;
  if (argv.includes('--help') || argv.includes('-h') || group === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    const single = SINGLE[group];
    if (single) return await (await single())(argv.slice(1));
    const load = COMMANDS[`${group} ${command}`];
    if (!load)
      throw new UsageError(
        group ? `unknown command: ${argv.slice(0, 2).join(' ')}` : 'no command given',
      );
    return await (
      await load()
    )(rest);
  } catch (err) {
    return report(err);
  }
}

void run(process.argv.slice(2)).then((code) => process.exit(code));
