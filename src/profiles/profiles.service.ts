import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { canReadTrait, Principal } from '../api-keys/scopes';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import { IdentityService } from '../identity/identity.service';
import type { TraitDef } from '../trait-definitions/trait-def';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { TraitReader } from '../traits/trait-reader.service';
import { ProfileEntity } from './profile.entity';
import type { ProfileRef } from './profile-ref';
import { provenanceOf, ProvenanceView, toTraitView, TraitView, visibleTraitViews } from './trait-view';

export interface RevisionView {
  value: unknown;
  validFrom: Date;
  validTo: Date | null;
  provenance: ProvenanceView;
}

export const MAX_HISTORY = 500;

@Injectable()
export class ProfilesService {
  constructor(
    @InjectRepository(ProfileEntity) private readonly profiles: Repository<ProfileEntity>,
    private readonly identities: IdentityService,
    private readonly registry: TraitRegistry,
    private readonly reader: TraitReader,
  ) {}

  async findByIdentity(type: string, value: string, asOf?: Date | null): Promise<ProfileRef | null> {
    const profileId = await this.identities.profileIdOf(type, value);
    if (!profileId) return null;
    const row = await this.profiles.findOne({ where: { id: profileId }, select: { id: true, revision: true } });
    if (!row) return null;
    const revision = asOf ? await this.reader.profileRevisionAsOf(row.id, asOf) : Number(row.revision);
    return { id: row.id, revision, asOf: asOf ?? null };
  }

  async findByIdentityOrThrow(type: string, value: string, asOf?: Date | null): Promise<ProfileRef> {
    const ref = await this.findByIdentity(type, value, asOf);
    if (!ref) throw new DomainError(ErrorCode.PROFILE_NOT_FOUND, `no profile has the identity ${type}:${value}`);
    return ref;
  }

  async traits(principal: Principal, ref: ProfileRef, names?: string[]): Promise<TraitView[]> {
    const stored = await this.reader.valuesOf([ref.id], ref.asOf ?? undefined);
    return this.viewsOf(principal, ref, stored, names);
  }

  async viewsOf(
    principal: Principal,
    ref: ProfileRef,
    stored: Awaited<ReturnType<TraitReader['valuesOf']>>,
    names?: string[],
  ): Promise<TraitView[]> {
    const byId = await this.registry.byIdMap();
    const byName = names ? await this.registry.getMany(names) : new Map<string, TraitDef | undefined>();
    return visibleTraitViews(principal, byId, byName, stored, names, ref.asOf ?? new Date(), ref.asOf !== null);
  }

  async readableDef(principal: Principal, name: string): Promise<TraitDef> {
    const def = await this.registry.get(name);
    if (!def) throw new DomainError(ErrorCode.TRAIT_NOT_FOUND, `trait ${name} is not defined`);
    if (!canReadTrait(principal, def)) throw new DomainError(ErrorCode.FORBIDDEN, `this key may not read trait ${name}`);
    return def;
  }

  async trait(principal: Principal, ref: ProfileRef, name: string): Promise<TraitView> {
    const def = await this.readableDef(principal, name);
    const stored = await this.reader.valuesOf([ref.id], ref.asOf ?? undefined);
    return toTraitView(def, stored.find((s) => s.traitId === def.id), ref.asOf ?? new Date());
  }

  async history(principal: Principal, ref: ProfileRef, name: string, limit: number): Promise<RevisionView[]> {
    const def = await this.readableDef(principal, name);
    const rows = await this.reader.history(ref.id, def.id, Math.min(Math.max(limit, 1), MAX_HISTORY), ref.asOf ?? undefined);
    return rows.map((s) => ({ value: s.value, validFrom: s.validFrom, validTo: s.validTo, provenance: provenanceOf(s) }));
  }
}
