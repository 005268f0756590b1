import { Injectable } from '@nestjs/common';
import type { RunnableSource } from '../../runs/runnable-sources';
import type { TraitSourceSpec } from '../../trait-definitions/trait-spec';
import { NotebookSchedules } from './notebook-schedules.service';
import { NotebookSources } from './notebook-sources.service';

export const NOTEBOOK_SOURCE_KIND = 'notebook';

// Notebook sources for `traitbase run` / triggerRun: the notebook's path, its file name without
// .ipynb, or a trait it produces.
@Injectable()
export class NotebookRunnable implements RunnableSource {
  readonly kind = NOTEBOOK_SOURCE_KIND;

  constructor(
    private readonly sources: NotebookSources,
    private readonly schedules: NotebookSchedules,
  ) {}

  async find(ref: string): Promise<string | undefined> {
    const all = await this.sources.all();
    const stem = (path: string) =>
      path
        .split('/')
        .pop()!
        .replace(/\.ipynb$/, '');
    return (
      all.find((s) => s.notebook === ref)?.notebook ??
      all.find((s) => stem(s.notebook) === ref)?.notebook
    );
  }

  refOfTrait(source: TraitSourceSpec): string | undefined {
    return typeof source.notebook === 'string' ? source.notebook : undefined;
  }

  async trigger(source: string): Promise<string> {
    return (await this.schedules.runNow(source)).jobId;
  }
}
