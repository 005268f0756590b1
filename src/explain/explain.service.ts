import { Injectable } from '@nestjs/common';
import type { Principal } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { identityKey } from '../identity/engine/prepare-observation';
import { IdentityHistory } from '../identity/history/identity-history.service';
import { isHistorical } from '../profiles/profile-ref';
import { ProfilesService } from '../profiles/profiles.service';
import { TraitCatalogService } from '../trait-definitions/trait-catalog.service';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { graphAtOf, type ExplainedValue, type Explanation } from './explanation';

// explain(identity, at, knownAt) (SPEC §3.5, docs/time-travel.md): the profile the identity was on
// at `at` and the values it served then — valid at `at` as known at knownAt (default `at`) — each
// with its provenance, the
// definition of the version that produced it, and the merge that brought it, if one did.
@Injectable()
export class ExplainService {
  constructor(
    private readonly profiles: ProfilesService,
    private readonly history: IdentityHistory,
    private readonly registry: TraitRegistry,
    private readonly catalog: TraitCatalogService,
  ) {}

  // Null when the identity was not known at knownAt (default `at`: what was served then). A later
  // knownAt answers with what had been recorded by then about `at` (a late row, a backfill); an
  // earlier one with what was known before `at`. Neither may be in the future.
  async explain(
    type: string,
    value: string,
    at: Date,
    knownAt?: Date | null,
    askedAt = new Date(),
  ): Promise<Explanation | null> {
    if (at.getTime() > askedAt.getTime()) {
      throw new DomainError(ErrorCode.INVALID_INPUT, 'at: must not be in the future', {
        at: 'must not be in the future',
      });
    }
    const profile = await this.profiles.findByIdentity(type, value, at, knownAt ?? at);
    if (!profile || !isHistorical(profile)) return null;
    return { at, knownAt: profile.knownAt, askedAt, profile };
  }

  // The values served at `at` that the key may read (masked like every profile read).
  async values(principal: Principal, e: Explanation): Promise<ExplainedValue[]> {
    const stored = await this.profiles.storedValues(e.profile);
    const views = await this.profiles.viewsOf(principal, e.profile, stored);
    const byId = await this.registry.byIdMap();
    const byName = new Map(stored.map((s) => [byId.get(s.traitId)?.name, s]));
    const served = views.map((view) => ({ view, stored: byName.get(view.name)! }));
    const [definitions, arrivals] = await Promise.all([
      this.catalog.versionsAt(
        served.map(({ stored: s }) => ({ definitionId: s.traitId, version: s.definitionVersion })),
      ),
      this.history.arrivals(
        served.map(({ stored: s }) => s.identity),
        graphAtOf(e),
      ),
    ]);
    return served.map(({ view, stored: s }) => ({
      trait: view,
      definition: definitions.get(`${s.traitId}:${s.definitionVersion}`) ?? null,
      merge: arrivals.get(identityKey(s.identity.type, s.identity.value)) ?? null,
    }));
  }
}
