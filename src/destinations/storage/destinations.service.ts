import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { DestinationNameChecker } from '../spec/destination-name-checker.service';
import type { DestinationSpec } from '../spec/destination-spec';
import { problemDetails, SpecProblem, specProblems } from '../spec/destination-spec.check';
import { DestinationEntity } from './destination.entity';

export interface DestinationOrigin {
  kind: 'api' | 'yaml';
  file?: string;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

// Saving, reading and archiving destinations. A destination from a file is read-only in the API.
@Injectable()
export class DestinationsService {
  constructor(
    @InjectRepository(DestinationEntity) private readonly repo: Repository<DestinationEntity>,
    private readonly names: DestinationNameChecker,
  ) {}

  active(): Promise<DestinationEntity[]> {
    return this.repo.find({ where: { archivedAt: IsNull() }, order: { slug: 'ASC' } });
  }

  async bySlugOrThrow(slug: string): Promise<DestinationEntity> {
    const found = await this.repo.findOne({ where: { slug } });
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, `no destination named ${slug}`);
    return found;
  }

  async save(slug: string, config: unknown, origin: DestinationOrigin): Promise<DestinationEntity> {
    if (!SLUG.test(slug))
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        'slug: must be lower case letters, digits, - or _',
        {
          slug: 'must be lower case letters, digits, - or _ (at most 63)',
        },
      );
    refuse(specProblems(config));
    const spec = { ...(config as DestinationSpec & { slug?: string }) };
    delete spec.slug;
    // The traits and audiences it lists exist now, once the shape is right.
    refuse(await this.names.problems(spec));
    const existing = await this.repo.findOne({ where: { slug } });
    if (existing && origin.kind === 'api' && existing.origin === 'yaml' && !existing.archivedAt)
      throw new DomainError(
        ErrorCode.CONFLICT,
        `destination ${slug} is defined in ${existing.file}: change the file instead`,
      );
    const row = existing ?? this.repo.create({ slug });
    Object.assign(row, { spec, origin: origin.kind, file: origin.file ?? null, archivedAt: null });
    return this.repo.save(row);
  }

  async archive(slug: string): Promise<void> {
    await this.repo.update({ slug, archivedAt: IsNull() }, { archivedAt: new Date() });
  }
}

function refuse(problems: readonly SpecProblem[]): void {
  if (problems.length === 0) return;
  const details = problemDetails(problems);
  const [field, rule] = Object.entries(details)[0];
  throw new DomainError(ErrorCode.INVALID_INPUT, `${field}: ${rule}`, details);
}
