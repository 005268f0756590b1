import { parseArgs, UsageError } from './cli-args';

const KEYS = { maxPositionals: 0, values: ['name', 'scope'], flags: ['json'] };

describe('parseArgs', () => {
  it('reads values, repeated values, = values and flags', () => {
    const args = parseArgs(
      ['--name', 'client', '--scope', 'ingest', '--scope=profile:read,admin', '--json'],
      KEYS,
    );
    expect(args.values.get('name')).toEqual(['client']);
    expect(args.values.get('scope')).toEqual(['ingest', 'profile:read,admin']);
    expect(args.flags.has('json')).toBe(true);
  });

  it('keeps positionals, and everything after -- as positionals', () => {
    expect(parseArgs(['defs', '--', '--odd-dir'], { maxPositionals: 2 }).positionals).toEqual([
      'defs',
      '--odd-dir',
    ]);
  });

  it.each([
    [['--colour', 'red'], 'unknown option --colour'],
    [['-n', 'x'], 'unknown option -n'],
    [['--name'], '--name needs a value'],
    [['--name', '--json'], '--name needs a value'],
    [['--name='], '--name needs a value'],
    [['--json=yes'], '--json takes no value'],
    [['extra'], 'unexpected argument extra'],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseArgs(argv, KEYS)).toThrow(new UsageError(message));
  });
});
