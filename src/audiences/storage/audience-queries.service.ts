import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { scheduleOf } from '../evaluation/audience-evaluations.service';
import type { AudienceMemberPageModel } from '../graphql/audience-member.model';
import type {
  AudienceModel,
  AudienceSizePointModel,
  AudienceVersionModel,
} from '../graphql/audience.model';
import { AudienceSizeEntity } from './audience-size.entity';
import { AudienceVersionEntity } from './audience-version.entity';
import { AudienceEntity } from './audience.entity';
import { membershipTrait } from './membership-trait';

// A page of members in profile id order, walking the membership trait's current values.
const MEMBERS = `
SELECT x.profile_id, x.valid_from, p.revision::int AS revision
FROM trait_value x JOIN profile p ON p.id = x.profile_id
WHERE x.trait_id = $1 AND x.value = 'true'::jsonb AND ($2::uuid IS NULL OR x.profile_id > $2::uuid)
ORDER BY x.profile_id LIMIT $3`;

export function toAudienceModel(a: AudienceEntity): AudienceModel {
  return {
    id: a.id,
    slug: a.slug,
    name: a.name,
    description: a.description,
    owner: a.owner,
    version: a.version,
    rule: a.rule,
    trait: membershipTrait(a.slug),
    origin: a.origin,
    file: a.file,
    readOnly: a.origin === 'yaml' && !a.archivedAt,
    schedule: a.schedule,
    evaluationSchedule: a.archivedAt ? null : scheduleOf(a),
    size: a.size,
    evaluatedAt: a.evaluatedAt,
    lastRunId: a.lastRunId,
    archived: a.archivedAt !== null,
    archivedAt: a.archivedAt,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

// What the API reads about audiences (always from the database, never from a cache).
@Injectable()
export class AudienceQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(includeArchived: boolean): Promise<AudienceModel[]> {
    const rows = await this.db.getRepository(AudienceEntity).find({
      where: includeArchived ? {} : { archivedAt: IsNull() },
      order: { slug: 'ASC' },
    });
    return rows.map(toAudienceModel);
  }

  async bySlug(slug: string): Promise<AudienceModel | null> {
    const row = await this.db.getRepository(AudienceEntity).findOneBy({ slug });
    return row ? toAudienceModel(row) : null;
  }

  async entity(slug: string): Promise<AudienceEntity> {
    const row = await this.db.getRepository(AudienceEntity).findOneBy({ slug });
    if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `no audience is named ${slug}`);
    return row;
  }

  async versions(audienceId: string): Promise<AudienceVersionModel[]> {
    return this.db
      .getRepository(AudienceVersionEntity)
      .find({ where: { audienceId }, order: { version: 'DESC' } });
  }

  async sizeHistory(audienceId: string, limit: number): Promise<AudienceSizePointModel[]> {
    return this.db
      .getRepository(AudienceSizeEntity)
      .find({ where: { audienceId }, order: { hour: 'DESC' }, take: limit });
  }

  async members(
    a: AudienceModel,
    first: number,
    after: string | null,
  ): Promise<AudienceMemberPageModel> {
    const rows = await this.db.query<{ profile_id: string; valid_from: Date; revision: number }[]>(
      MEMBERS,
      [(await this.entity(a.slug)).traitId, after, first + 1],
    );
    const page = rows.slice(0, first);
    return {
      nodes: page.map((r) => ({
        profileId: r.profile_id,
        since: r.valid_from,
        revision: r.revision,
      })),
      endCursor: page.at(-1)?.profile_id ?? null,
      hasNextPage: rows.length > first,
    };
  }
}
