import { rateLimitOf, type ApiKeysService } from '../api-keys/api-keys.service';
import {
  formatRateLimit,
  parseRateLimit,
  RATE_LIMIT_RULE,
  RateLimit,
} from '../api-keys/rate-limit';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
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

// "100/1s" → its limit; "default" → null (RATE_LIMIT applies).
function rateLimitArg(text: string): RateLimit | null {
  if (text === 'default') return null;
  const limit = parseRateLimit(text);
  if (!limit)
    throw new DomainError(ErrorCode.INVALID_INPUT, `rate-limit: ${RATE_LIMIT_RULE}, or default`);
  return limit;
}

function idOrPrefixArg(target: string): string {
  // A whole key (tb_<prefix>_<secret>) is accepted too: only its prefix is used.
  return /^tb_([a-z0-9]{10})_/.exec(target)?.[1] ?? target;
}

// Prints the key alone on stdout (KEY=$(traitbase keys create …)); the rest goes to stderr.
export async function keysCreate(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, {
    maxPositionals: 0,
    values: ['name', 'scope', 'rate-limit'],
    flags: ['json'],
  });
  const names = args.values.get('name') ?? [];
  if (names.length !== 1) throw new UsageError('keys create needs exactly one --name');
  const limits = args.values.get('rate-limit') ?? [];
  if (limits.length > 1) throw new UsageError('keys create takes at most one --rate-limit');
  const rateLimit = limits.length ? rateLimitArg(limits[0]) : null;
  const scopes = (args.values.get('scope') ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw new UsageError('keys create needs at least one --scope');
  return withKeys(async (keys) => {
    const created = await keys.create(names[0], [...new Set(scopes)], rateLimit);
    if (args.flags.has('json')) {
      io.out(JSON.stringify(created));
    } else {
      io.err(
        `created key ${created.id} "${created.name}" with scope(s) ${created.scopes.join(', ')}` +
          (created.rateLimit ? `, rate limit ${formatRateLimit(created.rateLimit)}` : ''),
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
  const idOrPrefix = idOrPrefixArg(target);
  return withKeys(async (keys) => {
    if (await keys.revoke(idOrPrefix)) {
      io.out(`revoked ${idOrPrefix}`);
      return 0;
    }
    io.err(`no active key with id or prefix ${idOrPrefix}`);
    return 1;
  });
}

// `keys set-limit <id-or-prefix> <requests>/<window>|default`: running servers apply it within
// API_KEY_CACHE_MS.
export async function keysSetLimit(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 2 });
  const [target, limitText] = args.positionals;
  if (!target || !limitText) {
    throw new UsageError(
      'keys set-limit needs the key id or prefix and a limit (100/1s, or default)',
    );
  }
  const idOrPrefix = idOrPrefixArg(target);
  const rateLimit = rateLimitArg(limitText);
  return withKeys(async (keys) => {
    if (await keys.setRateLimit(idOrPrefix, rateLimit)) {
      io.out(
        `rate limit of ${idOrPrefix}: ${rateLimit ? formatRateLimit(rateLimit) : 'default (RATE_LIMIT)'}`,
      );
      return 0;
    }
    io.err(`no active key with id or prefix ${idOrPrefix}`);
    return 1;
  });
}

export async function keysList(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, { maxPositionals: 0, flags: ['json'] });
  return withKeys(async (keys) => {
    const rows = (await keys.list()).map((row) => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      scopes: row.scopes,
      // null: the server's RATE_LIMIT applies.
      rateLimit: rateLimitOf(row),
      createdAt: row.createdAt,
      revokedAt: row.revokedAt,
    }));
    if (args.flags.has('json')) io.out(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) io.err('no keys');
    for (const r of args.flags.has('json') ? [] : rows) {
      const state = r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : 'active';
      const limit = r.rateLimit ? formatRateLimit(r.rateLimit) : 'default limit';
      io.out(`${r.id}  tb_${r.prefix}  ${r.name}  [${r.scopes.join(', ')}]  ${limit}  ${state}`);
    }
    return 0;
  });
}
