import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { cronProblem } from '../../trait-definitions/rules/cron';
import { TraitDefinitionsService } from '../../trait-definitions/trait-definitions.service';
import { TraitRegistry } from '../../trait-definitions/trait-registry.service';
import { canonicalJson } from '../../trait-definitions/versioning/canonical-json';
import { AudienceEvaluations } from '../evaluation/audience-evaluations.service';
import { withWaitingLock } from '../evaluation/audience-lock';
import { RuleChecker } from '../rule/rule-checker.service';
import { invalidRuleError } from '../rule/rule-fault';
import { audiencesRead } from '../rule/rule-references';
import type { Rule } from '../rule/rule.types';
import { AudienceDirectory } from './audience-directory.service';
import { AudienceVersionEntity } from './audience-version.entity';
import { AudienceEntity } from './audience.entity';
import {
  MembershipTraitInput,
  membershipOrigin,
  membershipTrait,
  membershipTraitSpec,
} from './membership-trait';

export const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export interface AudienceDefinition {
  slug: string;
  name: string;
  description?: string | null;
  owner?: string | null;
  schedule?: string | null;
  rule: unknown;
}

// Where a definition comes from: the API (editable there) or a file of trait-definitions/audiences/
// (read-only in the API).
export type AudienceOrigin = { kind: 'api'; savedBy: string } | { kind: 'yaml'; file: string };

export interface Saved {
  audience: AudienceEntity;
  // A new version was made (false: the same definition was saved again).
  changed: boolean;
}

// Saves do one at a time (cycles between audiences saved concurrently could not be seen).
const SAVE_LOCK = 'audience-save';

function same(a: AudienceEntity, d: AudienceDefinition, rule: Rule): boolean {
  return (
    canonicalJson(a.rule) === canonicalJson(rule) &&
    a.name === d.name &&
    a.description === (d.description ?? null) &&
    a.owner === (d.owner ?? null) &&
    a.schedule === (d.schedule ?? null)
  );
}

// Saves and archives audience definitions: each change is a new version of the audience and of
// its membership trait audience:<slug> (source kind audience); a changed rule queues a full
// evaluation. Archiving retires the trait (values and history stay) and stops evaluations.
@Injectable()
export class AudiencesService {
  private readonly logger = new Logger(AudiencesService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly checker: RuleChecker,
    private readonly definitions: TraitDefinitionsService,
    private readonly registry: TraitRegistry,
    private readonly directory: AudienceDirectory,
    private readonly evaluations: AudienceEvaluations,
  ) {}

  async save(d: AudienceDefinition, origin: AudienceOrigin): Promise<Saved> {
    if (!SLUG.test(d.slug)) {
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        'slug: must be lower-case letters, digits, _ or - (at most 63)',
        {
          slug: 'must be lower-case letters, digits, _ or - (at most 63)',
        },
      );
    }
    const schedule = d.schedule ? cronProblem(d.schedule) : null;
    if (schedule)
      throw new DomainError(ErrorCode.INVALID_INPUT, `schedule: ${schedule}`, { schedule });
    const saved = await withWaitingLock(this.db, SAVE_LOCK, () => this.saveLocked(d, origin));
    if (saved.changed) await this.evaluations.syncSchedules();
    return saved;
  }

  private async saveLocked(d: AudienceDefinition, origin: AudienceOrigin): Promise<Saved> {
    const existing = await this.db.getRepository(AudienceEntity).findOneBy({ slug: d.slug });
    if (origin.kind === 'api' && existing?.origin === 'yaml' && !existing.archivedAt)
      throw readOnly(existing);
    const checked = await this.checker.check(d.rule, d.slug);
    if (!checked.ok) throw invalidRuleError(checked.faults);
    const rule = checked.rule;
    const sameOrigin = existing?.origin === origin.kind && existing.file === fileOf(origin);
    if (existing && !existing.archivedAt && sameOrigin && same(existing, d, rule)) {
      return { audience: existing, changed: false };
    }
    const version = (existing?.version ?? 0) + 1;
    const traitId = await this.applyTrait({
      ...d,
      description: d.description ?? null,
      owner: d.owner ?? null,
      version,
    });
    const audience = await this.db.transaction(async (em) => {
      const row = em.create(AudienceEntity, {
        ...(existing ?? {}),
        slug: d.slug,
        name: d.name,
        description: d.description ?? null,
        owner: d.owner ?? null,
        schedule: d.schedule ?? null,
        rule,
        version,
        origin: origin.kind,
        file: fileOf(origin),
        traitId,
        archivedAt: null,
      });
      const stored = await em.save(AudienceEntity, row);
      await em.save(
        em.create(AudienceVersionEntity, {
          audienceId: stored.id,
          version,
          name: d.name,
          description: d.description ?? null,
          rule,
          schedule: d.schedule ?? null,
          savedBy: origin.kind === 'api' ? origin.savedBy : origin.file,
        }),
      );
      return stored;
    });
    const ruleChanged =
      !existing || !!existing.archivedAt || canonicalJson(existing.rule) !== canonicalJson(rule);
    if (ruleChanged) await this.evaluations.enqueue(audience.id, 'save');
    this.logger.log(
      `audience ${d.slug} saved as version ${version}${ruleChanged ? ', evaluation queued' : ''}`,
    );
    return { audience, changed: true };
  }

  private async applyTrait(a: MembershipTraitInput): Promise<number> {
    await this.definitions.apply([membershipTraitSpec(a)], membershipOrigin(a.slug));
    const def = await this.registry.get(membershipTrait(a.slug));
    if (!def) throw new Error(`membership trait of ${a.slug} was not created`);
    return def.id;
  }

  async archive(slug: string, origin: AudienceOrigin['kind']): Promise<AudienceEntity> {
    const archived = await withWaitingLock(this.db, SAVE_LOCK, async () => {
      const existing = await this.db.getRepository(AudienceEntity).findOneBy({ slug });
      if (!existing) throw new DomainError(ErrorCode.NOT_FOUND, `no audience is named ${slug}`);
      if (origin === 'api' && existing.origin === 'yaml' && !existing.archivedAt)
        throw readOnly(existing);
      if (existing.archivedAt) return existing;
      const users = (await this.directory.active()).filter((a) =>
        audiencesRead(a.rule).includes(slug),
      );
      if (users.length > 0) {
        const names = users.map((u) => u.slug).join(', ');
        throw new DomainError(
          ErrorCode.CONFLICT,
          `audience ${slug} is read by audience(s) ${names}; change them first`,
        );
      }
      await this.definitions.apply([], membershipOrigin(slug));
      existing.archivedAt = new Date();
      return this.db.getRepository(AudienceEntity).save(existing);
    });
    await this.evaluations.syncSchedules();
    this.logger.log(`audience ${slug} archived`);
    return archived;
  }
}

function fileOf(origin: AudienceOrigin): string | null {
  return origin.kind === 'yaml' ? origin.file : null;
}

function readOnly(a: AudienceEntity): DomainError {
  return new DomainError(
    ErrorCode.CONFLICT,
    `audience ${a.slug} is defined in trait-definitions/${a.file ?? 'audiences/'} and is read-only here; change the file`,
  );
}
