import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RunsQueryService } from './graphql/runs-query.service';
import { RunsResolver } from './graphql/runs.resolver';
import { TriggerRunResolver } from './graphql/trigger-run.resolver';
import { RunTrigger } from './run-trigger.service';
import { RunEntity } from './run.entity';
import { RunnableSources } from './runnable-sources';
import { RunsService } from './runs.service';

// Runs of every source kind: recorded (RunsService), listed (runs), and started on demand
// (triggerRun) through the RunnableSources each source module registers with.
@Module({
  imports: [TypeOrmModule.forFeature([RunEntity])],
  providers: [
    RunsService,
    RunsQueryService,
    RunsResolver,
    RunnableSources,
    RunTrigger,
    TriggerRunResolver,
  ],
  exports: [RunsService, RunnableSources],
})
export class RunsModule {}
