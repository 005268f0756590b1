import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AudiencesModule } from '../audiences/audiences.module';
import { FeedConsumers } from '../feed/feed-consumers.service';
import { FeedModule } from '../feed/feed.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { RunsModule } from '../runs/runs.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { DeliveryWorkers } from './delivery/delivery-workers.service';
import { DataFlowResolver } from './graphql/data-flow.resolver';
import { DestinationsResolver } from './graphql/destinations.resolver';
import { ExplainDataFlowResolver } from './graphql/explain-data-flow.resolver';
import { DataFlowQueries } from './ledger/data-flow-queries.service';
import { LedgerRetention } from './ledger/ledger-retention.service';
import { DestinationNameChecker } from './spec/destination-name-checker.service';
import { DESTINATION_ENTITIES } from './storage';
import { DestinationTraitUsage } from './storage/destination-trait-usage';
import { DestinationsService } from './storage/destinations.service';
import { DestinationSync } from './sync/destination-sync.service';
import { DestinationsStartup } from './yaml/destinations.startup';

export const DESTINATIONS_CONSUMER = 'destinations';

// Activation (docs/activation.md): destinations (YAML or API), their sync from the change feed
// into a per-destination outbox, delivery lanes, and the data-flow ledger. AudiencesModule is
// imported so its startup applies audiences/ before this one applies destinations/ (Nest starts
// imported modules first): a destination file may list an audience file's audience.
@Module({
  imports: [
    TypeOrmModule.forFeature(DESTINATION_ENTITIES),
    FeedModule,
    RunsModule,
    ProfilesModule,
    TraitDefinitionsModule,
    AudiencesModule,
  ],
  providers: [
    DestinationsService,
    DestinationNameChecker,
    DestinationTraitUsage,
    DestinationsStartup,
    DestinationSync,
    DeliveryWorkers,
    DataFlowQueries,
    LedgerRetention,
    DestinationsResolver,
    DataFlowResolver,
    ExplainDataFlowResolver,
  ],
  exports: [DestinationsService, DestinationSync],
})
export class DestinationsModule implements OnModuleInit {
  constructor(
    private readonly consumers: FeedConsumers,
    private readonly sync: DestinationSync,
    private readonly workers: DeliveryWorkers,
  ) {}

  onModuleInit(): void {
    let touched: string[] = [];
    void this.consumers.register({
      name: DESTINATIONS_CONSUMER,
      kinds: ['trait', 'audience'],
      batchSize: 500,
      handle: async (changes, tx) => {
        touched = await this.sync.handle(changes, tx);
      },
      // No enabled destination: nothing to deliver (a new one is filled by its backfill).
      idle: async (tx) => !(await this.sync.anyEnabled(tx)),
      // The lanes of destinations that got records look at once (otherwise within a second).
      committed: () => this.workers.wake(touched),
    });
  }
}
