import type { ApiKeysService } from '../api-keys/api-keys.service';
import { parseArgs, UsageError } from './cli-args';
import { openDatabase } from './cli-database';
import { io } from './cli-io';
import { apiKeysService } from './cli-services';

async function withKeys(work: (keys: ApiKeysService) => Promise<number>): Promise<number> {
  const db = await openDatabase();
  try {
    return await work(apiKeysService(db.dataSource, db.config));
  } finally {
    await db.close();
  }
}

// Prints the key alone on stdout (KEY=$(traitbase keys create …)); the rest goes to stderr.
export async function keysCreate(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 0, values: ['name', 'scope'], flags: ['json'] });
  const names = args.values.get('name') ?? [];
  if (names.length !== 1) throw new UsageError('keys create needs exactly one --name');
  const scopes = (args.values.get('scope') ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new UsageError('keys create needs at least one --scope');
  return withKeys(async (keys) => {
    const created = await keys.create(names[0], [...new Set(scopes)]);
    if (args.flags.has('json')) {
      io.out(JSON.stringify(created));
    } else {
      io.err(
        `created key ${created.id} "${created.name}" with scope(s) ${created.scopes.join(', ')}`,
      );
      io.err('store it now: it is not shown again');
      io.out(created.key);
    }
    return 0;
  });
}

export async function keysRevoke(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 1 });
  const target = args.positionals[0];
  if (!target) throw new UsageError('keys revoke needs the key id or prefix');
  // A whole key (tb_<prefix>_<secret>) is accepted too: only its prefix is used.
  const idOrPrefix = /^tb_([a-z0-9]{10})_/.exec(target)?.[1] ?? target;
  return withKeys(async (keys) => {
    if (await keys.revoke(idOrPrefix)) {
      io.out(`revoked ${idOrPrefix}`);
      return 0;
    }
    io.err(`no active key with id or prefix ${idOrPrefix}`);
    return 1;
  });
}

export async function keysList(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 0, flags: ['json'] });
  return withKeys(async (keys) => {
    const rows = (await keys.list()).map(({ id, name, prefix, scopes, createdAt, revokedAt }) => ({
      id,
      name,
      prefix,
      scopes,
      createdAt,
      revokedAt,
    }));
    if (args.flags.has('json')) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.err('no keys');
    for (const r of args.flags.has('json') ? [] : rows) {
      const state = r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active';
      io.out(`${r.id}  tb_${r.prefix}  ${r.name}  [${r.scopes.join(', ')}]  ${state}`);
    }
    return 0;
  });
}
