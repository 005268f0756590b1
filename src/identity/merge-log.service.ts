import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, Repository } from 'typeorm';
import { IdentityViolationEntity } from './entities/identity-violation.entity';
import { ProfileMergeEntity } from './entities/profile-merge.entity';
import type { IdentityViolationModel, MergeLogEntryModel } from './graphql/identity.models';

export const MAX_VIOLATIONS = 500;

// The fields of a merge-log row an entry is made of (entities and raw SQL rows alike).
export type MergeLogRow = Omit<ProfileMergeEntity, 'id'>;

export function toMergeLogEntry(row: MergeLogRow): MergeLogEntryModel {
  return {
    kind: row.kind,
    fromProfileId: row.fromProfileId,
    intoProfileId: row.intoProfileId,
    identities: row.identities,
    cause: { kind: row.causeKind, ref: row.causeRef },
    rule: row.rule,
    at: row.at,
    recordedAt: row.recordedAt,
  };
}

function toViolation(row: IdentityViolationEntity): IdentityViolationModel {
  return {
    kind: row.kind,
    identity: { type: row.identityType, value: row.identityValue },
    profileId: row.profileId,
    targetProfileId: row.targetProfileId,
    limitType: row.limitType,
    limit: row.limitValue,
    wouldBe: row.wouldBe,
    cause: { kind: row.causeKind, ref: row.causeRef },
    occurrences: row.occurrences,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
  };
}

// Reads of the merge log and of the merge-protection violations.
@Injectable()
export class MergeLogService {
  constructor(
    @InjectRepository(ProfileMergeEntity) private readonly merges: Repository<ProfileMergeEntity>,
    @InjectRepository(IdentityViolationEntity)
    private readonly violations: Repository<IdentityViolationEntity>,
  ) {}

  // Every merge and unmerge each profile took part in (either side), oldest first; with `until`,
  // only those recorded by then (a profile read as of a past time).
  async mergesOf(profileIds: readonly string[], until?: Date): Promise<MergeLogEntryModel[][]> {
    const ids = [...profileIds];
    const recorded = until ? { recordedAt: LessThanOrEqual(until) } : {};
    const rows = await this.merges.find({
      where: [
        { fromProfileId: In(ids), ...recorded },
        { intoProfileId: In(ids), ...recorded },
      ],
      order: { at: 'ASC', id: 'ASC' },
    });
    const out = new Map<string, MergeLogEntryModel[]>(ids.map((id) => [id, []]));
    for (const row of rows) {
      const entry = toMergeLogEntry(row);
      out.get(row.fromProfileId)?.push(entry);
      if (row.intoProfileId !== row.fromProfileId) out.get(row.intoProfileId)?.push(entry);
    }
    return ids.map((id) => out.get(id)!);
  }

  // Most recent first.
  async recentViolations(limit: number): Promise<IdentityViolationModel[]> {
    const rows = await this.violations.find({
      order: { lastSeenAt: 'DESC', id: 'DESC' },
      take: Math.min(Math.max(limit, 1), MAX_VIOLATIONS),
    });
    return rows.map(toViolation);
  }
}
