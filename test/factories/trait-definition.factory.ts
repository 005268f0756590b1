import { randomBytes } from 'node:crypto';
import type { TraitSpec } from '../../src/trait-definitions/trait-spec';
import { schemaClient } from '../utils/test-schema';

export function uniqueName(prefix = 'trait'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export function traitSpec(overrides: Partial<TraitSpec> = {}): TraitSpec {
  return {
    name: uniqueName(),
    type: 'number',
    description: null,
    owner: 'tests',
    pii: false,
    exposure: ['profile:read', 'profile:read:pii', 'admin'],
    freshness: null,
    column: null,
    values: null,
    source: { kind: 'api' },
    ...overrides,
  };
}

function freshnessSeconds(f: string | null): number | null {
  if (!f) return null;
  const m = /^(\d+)([smhdw])$/.exec(f);
  if (!m) throw new Error(`bad freshness ${f}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's'];
}

// Inserts definitions straight into a test schema (version 1), for tests of the read/write paths.
export async function insertTraitDefinitions(url: string, schema: string, specs: TraitSpec[]): Promise<void> {
  const client = await schemaClient({ url, schema });
  try {
    for (const s of specs) {
      await client.query(
        `INSERT INTO trait_definition (name, type, source_kind, version, schema_version, pii, exposure, freshness_seconds, spec, origin)
         VALUES ($1, $2, $3, 1, '1-0-0', $4, $5, $6, $7, 'test')`,
        [s.name, s.type, s.source.kind, s.pii, s.exposure, freshnessSeconds(s.freshness), JSON.stringify(s)],
      );
    }
  } finally {
    await client.end();
  }
}
