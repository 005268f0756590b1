import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { canReadTrait, Principal } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { decodeCursor, encodeCursor } from '../common/paging/keyset';
import type { MergeLogEntryModel } from '../identity/graphql/identity.models';
import { normalizeIdentity } from '../identity/identity-normalizer';
import { lookupIdentity } from '../identity/identity.service';
import type { TraitDef } from '../trait-definitions/trait-def';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import type { CurrentProfile, StoredValue } from '../traits/stored-value';
import { TraitReader } from '../traits/trait-reader.service';
import { ProfileAt } from './as-of/profile-at.service';
import { ProfileCache } from './cache/profile-cache.service';
import { identityForMessage } from './masking/pii-mask';
import { HistoricalRef, isHistorical, ProfileRef } from './profile-ref';
import { ProfileEntity } from './profile.entity';
import type { IdentityModel } from './profile.model';
import {
  provenanceOf,
  ProvenanceView,
  statusChangeAt,
  toTraitView,
  TraitView,
  visibleTraitViews,
} from './trait-view';

export interface RevisionView {
  value: unknown;
  validFrom: Date;
  validTo: Date | null;
  provenance: ProvenanceView;
  cursor: string;
}

export const MAX_HISTORY = 500;
export const MAX_BATCH_LOOKUP = 100;

// The profiles of many identities in one statement, in the order asked (null where none).
const PROFILES_OF_IDENTITIES = `
SELECT x.ord, p.id, p.revision
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(type, value, ord)
LEFT JOIN identity i ON i.type = x.type AND i.value = x.value
LEFT JOIN profile p ON p.id = i.profile_id
ORDER BY x.ord`;

const NO_NAMES: ReadonlyMap<string, TraitDef | undefined> = new Map();

function notFound(type: string, value: string): never {
  throw new DomainError(
    ErrorCode.PROFILE_NOT_FOUND,
    `no profile has the identity ${identityForMessage(type, value)}`,
  );
}

@Injectable()
export class ProfilesService {
  constructor(
    @InjectRepository(ProfileEntity) private readonly profiles: Repository<ProfileEntity>,
    private readonly registry: TraitRegistry,
    private readonly reader: TraitReader,
    private readonly at: ProfileAt,
    private readonly cache: ProfileCache,
  ) {}

  async findByIdentity(
    type: string,
    value: string,
    asOf?: Date | null,
    knownAt?: Date | null,
  ): Promise<ProfileRef | null> {
    if (asOf || knownAt) return this.at.resolve(type, value, asOf, knownAt);
    const current = await this.current(type, value);
    return current && { id: current.id, revision: current.revision, asOf: null };
  }

  // Today's profile of an identity with its current values: from the hot cache, else one
  // statement (identity, revision and values in one round trip).
  current(type: string, value: string): Promise<CurrentProfile | null> {
    return this.cache.current(type, value, async () => {
      const id = lookupIdentity(type, value);
      return id ? this.reader.currentOf(id.type, id.value) : null;
    });
  }

  async currentOrThrow(type: string, value: string): Promise<CurrentProfile> {
    return (await this.current(type, value)) ?? notFound(type, value);
  }

  // What `make` makes of the views of a profile's current values a key may see (viewsOf, as of
  // now), kept with the cached values: made again when they change, when the definitions reload,
  // and, unless `timeless` (what is made shows no status), when a value it shows turns stale.
  // `shape` names what `make` makes.
  async fromCurrentViews<T>(
    principal: Principal,
    profileId: string,
    values: StoredValue[],
    names: string[] | undefined,
    shape: string,
    make: (views: TraitView[]) => T,
    timeless = false,
  ): Promise<T> {
    const byId = await this.registry.byIdMap();
    const byName = names ? await this.registry.getMany(names) : NO_NAMES;
    const build = () => {
      const now = new Date();
      const views = visibleTraitViews(principal, byId, byName, values, names, now, false);
      return { value: make(views), until: timeless ? Infinity : statusChangeAt(byId, values, now) };
    };
    // A name not defined (yet) is looked up again by the next read.
    if (names?.some((n) => !byName.get(n))) return build().value;
    const key = [shape, [...principal.scopes].sort().join(' '), ...(names ?? [])].join('\u0000');
    return this.cache.derived(profileId, values, key, byId, build);
  }

  // Up to MAX_BATCH_LOOKUP identities in one storage round trip; null for an unknown or blocked one.
  async findManyByIdentity(
    identities: readonly { type: string; value: string }[],
  ): Promise<(ProfileRef | null)[]> {
    if (identities.length > MAX_BATCH_LOOKUP) {
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `identities: at most ${MAX_BATCH_LOOKUP} per call`,
        {
          identities: `at most ${MAX_BATCH_LOOKUP} per call, got ${identities.length}`,
        },
      );
    }
    const types: (string | null)[] = [];
    const values: (string | null)[] = [];
    identities.forEach((input, index) => {
      const id = normalizeIdentity(input.type, input.value);
      if (!id.ok && !id.blocked) {
        throw new DomainError(ErrorCode.INVALID_INPUT, `identities.${index}: ${id.reason}`, {
          [`identities.${index}`]: id.reason,
        });
      }
      types.push(id.ok ? id.type : null);
      values.push(id.ok ? id.value : null);
    });
    const rows: { id: string | null; revision: string | null }[] = await this.profiles.query(
      PROFILES_OF_IDENTITIES,
      [types, values],
    );
    return rows.map((r) => (r.id ? { id: r.id, revision: Number(r.revision), asOf: null } : null));
  }

  async findByIdentityOrThrow(
    type: string,
    value: string,
    asOf?: Date | null,
    knownAt?: Date | null,
  ): Promise<ProfileRef> {
    return (await this.findByIdentity(type, value, asOf, knownAt)) ?? notFound(type, value);
  }

  async traits(principal: Principal, ref: ProfileRef, names?: string[]): Promise<TraitView[]> {
    return this.viewsOf(principal, ref, await this.storedValues(ref), names);
  }

  // A read of the past answers from dated facts (ProfileAt), today's view from trait_value.
  storedValues(ref: ProfileRef): Promise<StoredValue[]> {
    return isHistorical(ref)
      ? this.at.values(ref)
      : this.cache.valuesOf([ref.id], (ids) => this.reader.valuesOf(ids));
  }

  mergesAt(ref: HistoricalRef): Promise<MergeLogEntryModel[]> {
    return this.at.merges(ref);
  }

  identitiesAt(ref: HistoricalRef): IdentityModel[] {
    return this.at.identities(ref);
  }

  async viewsOf(
    principal: Principal,
    ref: ProfileRef,
    stored: StoredValue[],
    names?: string[],
  ): Promise<TraitView[]> {
    const byId = await this.registry.byIdMap();
    const byName = names
      ? await this.registry.getMany(names)
      : new Map<string, TraitDef | undefined>();
    return visibleTraitViews(
      principal,
      byId,
      byName,
      stored,
      names,
      ref.asOf ?? new Date(),
      ref.asOf !== null,
    );
  }

  async readableDef(principal: Principal, name: string): Promise<TraitDef> {
    const def = await this.registry.get(name);
    if (!def) throw new DomainError(ErrorCode.TRAIT_NOT_FOUND, `trait ${name} is not defined`);
    if (!canReadTrait(principal, def))
      throw new DomainError(ErrorCode.FORBIDDEN, `this key may not read trait ${name}`);
    return def;
  }

  async trait(principal: Principal, ref: ProfileRef, name: string): Promise<TraitView> {
    const def = await this.readableDef(principal, name);
    const stored = await this.storedValues(ref);
    return toTraitView(
      def,
      stored.find((s) => s.traitId === def.id),
      ref.asOf ?? new Date(),
    );
  }

  // Newest first, a page of `limit` after the cursor of the previous page's last revision.
  async history(
    principal: Principal,
    ref: ProfileRef,
    name: string,
    limit: number,
    after?: string | null,
  ): Promise<RevisionView[]> {
    const def = await this.readableDef(principal, name);
    const n = Math.min(Math.max(limit, 1), MAX_HISTORY);
    const from = decodeCursor('after', after, [0]);
    const rows = isHistorical(ref)
      ? await this.at.historyOf(ref, def.id, n, from)
      : await this.reader.history(ref.id, def.id, n, from);
    return rows.map(({ stored: s, id, sortAt }) => ({
      value: s.value,
      validFrom: s.validFrom,
      validTo: s.validTo,
      provenance: provenanceOf(s),
      cursor: encodeCursor({ at: sortAt, rank: 0, key: id }),
    }));
  }
}
