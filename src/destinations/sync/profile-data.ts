import type { PoolClient } from 'pg';
import type { DestinationSpec } from '../spec/destination-spec';
import * as SQL from './outbox.sql';
import type { ProfileData, TraitMeta } from './record-builder';

export const membershipTrait = (slug: string) => `audience:${slug}`;

// The current values a destination's records carry (and memberships of its audiences), read in
// the consumer's transaction: what changed comes from the feed, the rest of the record from here.
export async function loadProfileData(
  client: Pick<PoolClient, 'query'>,
  spec: DestinationSpec,
  profileIds: string[],
): Promise<Map<string, ProfileData>> {
  const out = new Map<string, ProfileData>(
    profileIds.map((id) => [id, { traits: new Map(), identities: new Map() }]),
  );
  const traits = [...(spec.traits ?? []), ...(spec.audiences ?? []).map(membershipTrait)];
  if (traits.length > 0) {
    const { rows } = await client.query<{ profileId: string; name: string; value: unknown }>(
      SQL.CURRENT_VALUES,
      [profileIds, traits],
    );
    for (const r of rows) out.get(r.profileId)?.traits.set(r.name, r.value);
  }
  if (spec.identities?.length) {
    const { rows } = await client.query<{ profileId: string; type: string; value: string }>(
      SQL.IDENTITIES,
      [profileIds, spec.identities],
    );
    for (const r of rows) out.get(r.profileId)?.identities.set(r.type, r.value);
  }
  return out;
}

export async function loadTraitMeta(
  client: Pick<PoolClient, 'query'>,
  names: string[],
): Promise<Map<string, TraitMeta>> {
  const { rows } = await client.query<{ name: string; type: string; pii: boolean }>(
    SQL.TRAIT_META,
    [names],
  );
  return new Map(rows.map((r) => [r.name, { type: r.type, pii: r.pii }]));
}
