import type { DataSource } from 'typeorm';
import type { Provenance } from '../../../traits/provenance';
import type { WriteResult } from '../../../traits/trait-write.types';
import type { TraitWriter } from '../../../traits/trait-writer.service';

const PAGE = 5000;

// Current, non-null values of the source's traits on profiles none of whose identities the full
// refresh read; the identity each was written through is reused to clear it.
const ABSENT_PAGE = `
SELECT tv.profile_id, tv.trait_id, d.name AS trait, r.identity_type, r.identity_value
FROM trait_value tv
JOIN trait_definition d ON d.id = tv.trait_id
JOIN trait_revision r ON r.profile_id = tv.profile_id AND r.id = tv.revision_id
WHERE d.name = ANY($2::text[]) AND tv.value IS NOT NULL
  AND (tv.profile_id, tv.trait_id) > ($3::uuid, $4::int)
  AND NOT EXISTS (
    SELECT 1 FROM identity i
    JOIN dbt_refresh_seen s ON s.identity_type = i.type AND s.identity_value = i.value AND s.refresh_id = $1
    WHERE i.profile_id = tv.profile_id)
ORDER BY tv.profile_id, tv.trait_id
LIMIT ${PAGE}`;

interface AbsentRow {
  profile_id: string;
  trait_id: number;
  trait: string;
  identity_type: string;
  identity_value: string;
}

// After a completed full refresh of an `absent: clear` source: clears (writes null, a new
// revision) every value whose row is gone from the model. Pages by key, so memory stays flat.
export async function clearAbsent(
  db: DataSource,
  writer: TraitWriter,
  refreshId: string,
  traits: readonly string[],
  provenance: Provenance,
  onBatch: (result: WriteResult) => Promise<void>,
): Promise<void> {
  let after: [string, number] = ['00000000-0000-0000-0000-000000000000', -1];
  const observedAt = new Date();
  for (;;) {
    const rows = await db.query<AbsentRow[]>(ABSENT_PAGE, [refreshId, traits, ...after]);
    if (rows.length === 0) return;
    const writes = rows.map((r) => ({
      identity: { type: r.identity_type, value: r.identity_value },
      trait: r.trait,
      value: null,
      observedAt,
    }));
    await onBatch(await writer.write({ rows: writes, provenance }));
    const last = rows[rows.length - 1];
    after = [last.profile_id, last.trait_id];
  }
}

export async function forgetSeen(db: DataSource, refreshId: string): Promise<void> {
  await db.query('DELETE FROM dbt_refresh_seen WHERE refresh_id = $1', [refreshId]);
}
