import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { pathTextRule } from '../../common/paths/confined-path';
import type { TraitSpec } from '../../trait-definitions/trait-spec';
import { groupByNotebook, NotebookSource, notebookSource } from './notebook-source';

const ACTIVE_NOTEBOOK_SPECS = `
SELECT spec FROM trait_definition WHERE source_kind = 'notebook' AND retired_at IS NULL ORDER BY id`;

// Notebook sources as declared by the active trait definitions (read fresh: runs are rare and a
// definition applied by another process must take effect on the next tick).
@Injectable()
export class NotebookSources {
  private readonly logger = new Logger(NotebookSources.name);

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async all(): Promise<NotebookSource[]> {
    const rows = await this.db.query<{ spec: TraitSpec }[]>(ACTIVE_NOTEBOOK_SPECS);
    const sources: NotebookSource[] = [];
    for (const [path, specs] of groupByNotebook(rows.map((r) => r.spec))) {
      try {
        sources.push(notebookSource(specs));
      } catch (err) {
        this.logger.error(`notebook source ${path} is invalid: ${(err as Error).message}`);
      }
    }
    return sources;
  }

  async get(notebook: string): Promise<NotebookSource | undefined> {
    return (await this.all()).find((s) => s.notebook === notebook);
  }

  // The source a trait belongs to; 404 when the trait is unknown or not a notebook trait.
  async ofTrait(trait: string): Promise<NotebookSource> {
    const found = (await this.all()).find((s) => s.output.traits.some((t) => t.name === trait));
    if (!found)
      throw new DomainError(
        ErrorCode.TRAIT_NOT_FOUND,
        `trait: ${trait} is not an active notebook trait`,
      );
    return found;
  }

  async require(notebook: string): Promise<NotebookSource> {
    const text = pathTextRule(notebook);
    if (text) throw new DomainError(ErrorCode.INVALID_INPUT, `notebook: ${text}`);
    const found = await this.get(notebook);
    if (!found)
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `notebook: no active trait is produced by ${notebook}`,
      );
    return found;
  }
}
