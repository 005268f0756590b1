import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { FeedModule } from '../feed/feed.module';
import { IdentityModule } from '../identity/identity.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { TraitsModule } from '../traits/traits.module';
import { EventTraitMapService } from './event-traits/event-trait-map.service';
import { EventsResolver } from './events.resolver';
import { EventHealthService } from './health/event-health.service';
import { InboxWriter } from './inbox/inbox-writer.service';
import { registerIngestBodyHook } from './ingest/gzip-body.hook';
import { IngestController } from './ingest/ingest.controller';
import { IngestService } from './ingest/ingest.service';
import { WriteKeyGuard } from './ingest/write-key.guard';
import { InvalidEventEntity } from './invalid/invalid-event.entity';
import { InvalidEventsService } from './invalid/invalid-events.service';
import { TrackingPlanService } from './plan/tracking-plan.service';
import { EventApplier } from './processing/event-applier.service';
import { EventTraitWrites } from './processing/event-trait-writes.service';
import { EventWorkers } from './processing/event-workers.service';
import { InboxSweeper } from './processing/inbox-sweeper.service';
import { ShardSignaller } from './processing/shard-signaller.service';

// Segment-compatible ingestion (HTTP → inbox), the tracking plan, the shard workers that apply
// the inbox, and the monitors (invalid events, failed messages, silence).
@Module({
  imports: [
    TypeOrmModule.forFeature([InvalidEventEntity]),
    ApiKeysModule,
    FeedModule,
    IdentityModule,
    TraitDefinitionsModule,
    TraitsModule,
  ],
  controllers: [IngestController],
  providers: [
    TrackingPlanService,
    EventTraitMapService,
    IngestService,
    InboxWriter,
    WriteKeyGuard,
    ShardSignaller,
    EventApplier,
    EventTraitWrites,
    InboxSweeper,
    EventWorkers,
    InvalidEventsService,
    EventHealthService,
    EventsResolver,
  ],
})
export class EventsModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    registerIngestBodyHook(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
