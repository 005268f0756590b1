import type { TraitSpec } from '../../src/trait-definitions/trait-spec';
import type { TraitWriteRow } from '../../src/traits/trait-write.types';
import { rngFor } from '../lib/prng';

export const SEED = 20_260_101;
export const TRAITS_PER_PROFILE = 5;

const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const OBSERVED_BASE_MS = Date.parse('2026-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

function spec(name: string, type: TraitSpec['type'], values: string[] | null = null): TraitSpec {
  return {
    name,
    type,
    description: `benchmark trait ${name}`,
    owner: 'bench',
    pii: false,
    exposure: ['profile:read', 'profile:read:pii', 'admin'],
    freshness: null,
    column: null,
    values,
    source: { kind: 'api' },
  };
}

// Five api-source traits, one of each scalar type a dbt model typically exports.
export const TRAIT_SPECS: TraitSpec[] = [
  spec('lifetime_value', 'number'),
  spec('tier', 'category', TIERS),
  spec('is_payer', 'boolean'),
  spec('favourite_store', 'string'),
  spec('last_login_at', 'timestamp'),
];

// The five rows of profile n. Values and observation time depend only on (seed, n), so any batch
// can be generated alone and every run (writer, SQL ceiling, raw COPY) sees identical input.
export function profileRows(n: number, seed = SEED): TraitWriteRow[] {
  const rnd = rngFor(seed, n);
  const identity = { type: 'user_id', value: `player-${n}` };
  const observedAt = new Date(OBSERVED_BASE_MS + Math.floor(rnd() * DAY_MS)).toISOString();
  const ltv = Math.round(rnd() * 500_000) / 100;
  return [
    { identity, trait: 'lifetime_value', value: ltv, observedAt },
    { identity, trait: 'tier', value: TIERS[Math.floor(rnd() * TIERS.length)], observedAt },
    { identity, trait: 'is_payer', value: ltv > 1000, observedAt },
    { identity, trait: 'favourite_store', value: `store-${Math.floor(rnd() * 5000)}`, observedAt },
    {
      identity,
      trait: 'last_login_at',
      value: new Date(OBSERVED_BASE_MS - Math.floor(rnd() * 90 * DAY_MS)).toISOString(),
      observedAt,
    },
  ];
}

// Rows of `profiles` profiles, profile after profile (as a dbt export reads), in batches of batchSize.
export function* rowBatches(
  profiles: number,
  batchSize: number,
  seed = SEED,
): Generator<TraitWriteRow[]> {
  let batch: TraitWriteRow[] = [];
  for (let n = 0; n < profiles; n++) {
    for (const row of profileRows(n, seed)) {
      batch.push(row);
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}
