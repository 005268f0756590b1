import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../../api-keys/require-scopes.decorator';
import { NotebookRunQueuedModel } from './notebook-run-queued.model';
import { NotebookSchedules } from './notebook-schedules.service';

@Resolver()
export class NotebookRunsResolver {
  constructor(private readonly schedules: NotebookSchedules) {}

  @Mutation(() => NotebookRunQueuedModel, {
    description: 'Queue a run of one notebook source now, outside its schedule',
  })
  @RequireScopes('admin')
  triggerNotebookRun(@Args('notebook') notebook: string): Promise<NotebookRunQueuedModel> {
    return this.schedules.runNow(notebook);
  }
}
