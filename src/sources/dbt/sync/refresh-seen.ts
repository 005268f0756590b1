import type { DataSource } from 'typeorm';
import { normalizeIdentity } from '../../../identity/identity-normalizer';
import type { IdentityRef } from '../../../traits/trait-write.types';

const INSERT_SEEN = `
INSERT INTO dbt_refresh_seen (refresh_id, identity_type, identity_value)
SELECT $1, t.* FROM unnest($2::text[], $3::text[]) AS t`;

// Remembers which identities a full refresh has read, for clearing absent rows at its end.
export async function recordSeen(
  db: DataSource,
  refreshId: string,
  identities: readonly IdentityRef[],
): Promise<void> {
  const refs = identities
    .map((ref) => normalizeIdentity(ref.type, ref.value))
    .flatMap((n) => (n.ok ? [{ type: n.type, value: n.value }] : []));
  if (refs.length === 0) return;
  await db.query(INSERT_SEEN, [refreshId, refs.map((r) => r.type), refs.map((r) => r.value)]);
}
