import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import type { TraitSourceSpec } from '../trait-definitions/trait-spec';

export interface RunOptions {
  fullRefresh?: boolean; // dbt: read the whole relation, not past the high-water mark
}

// A kind of source that can run on demand (dbt, notebook; audiences register theirs the same way).
export interface RunnableSource {
  readonly kind: string;
  // The key of the source a reference names (its key, or a short name such as a dbt model's name).
  find(ref: string): Promise<string | undefined>;
  // The reference a trait definition's source block of this kind makes to its source.
  refOfTrait(source: TraitSourceSpec): string | undefined;
  // Queues a run now; the job id.
  trigger(source: string, options: RunOptions): Promise<string>;
}

export interface RunQueued {
  kind: string;
  source: string;
  jobId: string;
  // Database time just before the run was queued: its run row starts after this.
  queuedAt: Date;
}

const TRAIT_SOURCE = `
SELECT source_kind AS kind, spec->'source' AS source FROM trait_definition
WHERE name = $1 AND retired_at IS NULL`;

// Every runnable kind of source, registered by its module, behind one `run <source-or-trait>`:
// the CLI's `traitbase run` and GraphQL `triggerRun`.
@Injectable()
export class RunnableSources {
  private readonly kinds = new Map<string, RunnableSource>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  register(source: RunnableSource): void {
    this.kinds.set(source.kind, source);
  }

  // The run key (`run.source`) a trait definition's source block names, for kinds that record
  // runs of their own (dbt, notebook, audience); api and events writes have none.
  runKeyOfTrait(kind: string, source: TraitSourceSpec): string | undefined {
    return this.kinds.get(kind)?.refOfTrait(source);
  }

  async trigger(ref: string, options: RunOptions = {}): Promise<RunQueued> {
    const { kind, source } = await this.resolve(ref);
    const [{ now }] = await this.db.query<{ now: Date }[]>('SELECT clock_timestamp() AS now');
    const jobId = await this.kinds.get(kind)!.trigger(source, options);
    return { kind, source, jobId, queuedAt: now };
  }

  // A source key or short name of any kind, else the name of a trait whose source is runnable.
  async resolve(ref: string): Promise<{ kind: string; source: string }> {
    const found: { kind: string; source: string }[] = [];
    for (const runnable of this.kinds.values()) {
      const source = await runnable.find(ref);
      if (source) found.push({ kind: runnable.kind, source });
    }
    if (found.length === 0) found.push(...(await this.ofTrait(ref)));
    if (found.length === 1) return found[0];
    if (found.length > 1) {
      const names = found.map((f) => `${f.kind} ${f.source}`).join(', ');
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `source: ${ref} names ${names}; give the full key`,
      );
    }
    const kinds = [...this.kinds.keys()].join(', ');
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      `source: ${ref} is no ${kinds} source, and no active trait of one is named so`,
    );
  }

  private async ofTrait(name: string): Promise<{ kind: string; source: string }[]> {
    const [row] = await this.db.query<{ kind: string; source: TraitSourceSpec }[]>(TRAIT_SOURCE, [
      name,
    ]);
    const runnable = row ? this.kinds.get(row.kind) : undefined;
    const ref = runnable?.refOfTrait(row.source);
    const source = runnable && ref ? await runnable.find(ref) : undefined;
    return runnable && source ? [{ kind: runnable.kind, source }] : [];
  }
}
