type Command = (argv: readonly string[]) => Promise<number>;

// The `dbt …` commands, loaded on demand like the others.
export const DBT_COMMANDS: Record<string, () => Promise<Command>> = {
  'dbt import': async () => (await import('./dbt.command')).dbtImport,
  'dbt notify': async () => (await import('./dbt.command')).dbtNotify,
  'dbt sync': async () => (await import('./dbt.command')).dbtSync,
};
