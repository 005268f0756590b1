#!/usr/bin/env node
'use strict';
// `npm run migration:check`: fails when the entities and migrations/ disagree. Runs every migration
// on a scratch database it creates (and drops), then asks TypeORM whether anything is left to
// generate. Postgres comes from MIGRATION_CHECK_DATABASE_URL, TEST_DATABASE_URL or the local default.
const { spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { join } = require('node:path');
const { Client } = require('pg');

const ROOT = join(__dirname, '..');
const base = new URL(
  process.env.MIGRATION_CHECK_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres',
);

async function admin(sql) {
  const url = new URL(base);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function run(args, env) {
  return spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
}

async function main() {
  const name = `traitbase_drift_${randomBytes(4).toString('hex')}`;
  const scratch = new URL(base);
  scratch.pathname = `/${name}`;
  const env = {
    DATABASE_URL: scratch.toString(),
    DATABASE_SCHEMA: 'public',
    TS_NODE_TRANSPILE_ONLY: 'true',
  };
  await admin(`CREATE DATABASE "${name}"`);
  try {
    const migrate = run(['-r', '@swc-node/register', 'src/database/migrate.cli.ts', 'run'], env);
    if (migrate.status !== 0) return migrate.status ?? 1;
    const cli = require.resolve('typeorm/cli-ts-node-commonjs.js');
    const check = run(
      [
        cli,
        'migration:generate',
        '--check',
        '-d',
        'src/database/data-source.ts',
        'migrations/Drift',
      ],
      env,
    );
    if (check.status !== 0) {
      process.stderr.write(
        'migration:check: the entities and migrations/ disagree. Generate a migration for the change:\n' +
          '  npm run migration:generate -- migrations/<Name>   (see README, "Add a migration")\n',
      );
    }
    return check.status ?? 1;
  } finally {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`migration:check: ${err.message}\n`);
    process.exit(1);
  },
);
