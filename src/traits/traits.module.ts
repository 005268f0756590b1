import { Module } from '@nestjs/common';
import { FeedModule } from '../feed/feed.module';
import { RunsModule } from '../runs/runs.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { ApiTraitWrites } from './api-trait-writes.service';
import { TraitDistributionResolver } from './catalog/trait-distribution.resolver';
import { TraitDistributionService } from './catalog/trait-distribution.service';
import { TraitReader } from './trait-reader.service';
import { TraitWriter } from './trait-writer.service';
import { TraitsResolver } from './traits.resolver';

@Module({
  imports: [TraitDefinitionsModule, RunsModule, FeedModule],
  providers: [
    TraitWriter,
    TraitReader,
    ApiTraitWrites,
    TraitsResolver,
    TraitDistributionService,
    TraitDistributionResolver,
  ],
  exports: [TraitWriter, TraitReader],
})
export class TraitsModule {}
