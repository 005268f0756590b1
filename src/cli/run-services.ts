import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/configuration';
import { AudienceEvaluations } from '../audiences/evaluation/audience-evaluations.service';
import { AudienceRunnable } from '../audiences/evaluation/audience-runnable';
import { AUDIENCES_QUEUE } from '../audiences/evaluation/audiences.queue';
import { AudienceDirectory } from '../audiences/storage/audience-directory.service';
import { RunnableSources } from '../runs/runnable-sources';
import { DbtRunnable } from '../sources/dbt/dbt-runnable';
import { NotebookRunnable } from '../sources/notebook/notebook-runnable';
import { NotebookSchedules } from '../sources/notebook/notebook-schedules.service';
import { NotebookSources } from '../sources/notebook/notebook-sources.service';
import { NOTEBOOK_QUEUE } from '../sources/notebook/notebook.queue';
import { cliQueue, dbtScheduling } from './dbt-services';

export interface CliRunnables {
  runnables: RunnableSources;
  close: () => Promise<void>;
}

// The runnable sources the server registers (DbtModule, NotebookModule, AudiencesModule), over the
// CLI's DataSource.
export function runnableSources(dataSource: DataSource, config: AppConfig): CliRunnables {
  const runnables = new RunnableSources(dataSource);
  const dbt = dbtScheduling(dataSource, config);
  runnables.register(new DbtRunnable(dbt.sources, dbt.scheduler));
  const notebookQueue = cliQueue(NOTEBOOK_QUEUE, config);
  const notebooks = new NotebookSources(dataSource);
  runnables.register(
    new NotebookRunnable(notebooks, new NotebookSchedules(notebookQueue, notebooks)),
  );
  const audienceQueue = cliQueue(AUDIENCES_QUEUE, config);
  const audiences = new AudienceDirectory(dataSource);
  runnables.register(
    new AudienceRunnable(audiences, new AudienceEvaluations(audienceQueue, audiences)),
  );
  return {
    runnables,
    close: async () => {
      await dbt.close();
      await notebookQueue.close();
      await audienceQueue.close();
    },
  };
}
