import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedModule } from '../feed/feed.module';
import { IdentityRulesService } from './config/identity-rules.service';
import { IDENTITY_UNIFICATION_ENTITIES } from './entities';
import { IdentityUnificationResolver } from './graphql/identity-unification.resolver';
import { IdentityEntity } from './identity.entity';
import { IdentityHistory } from './history/identity-history.service';
import { IdentityService } from './identity.service';
import { MergeLogService } from './merge-log.service';
import { ManualMergeService } from './merge/manual-merge.service';
import { IdentityPreviewService } from './preview/identity-preview.service';
import { IdentityResolver } from './resolve/identity-resolver.service';
import { ResolutionRunner } from './resolve/resolution-runner';
import { UnmergeService } from './unmerge/unmerge.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([IdentityEntity, ...IDENTITY_UNIFICATION_ENTITIES]),
    FeedModule,
  ],
  providers: [
    IdentityService,
    IdentityHistory,
    IdentityRulesService,
    ResolutionRunner,
    IdentityResolver,
    ManualMergeService,
    UnmergeService,
    MergeLogService,
    IdentityPreviewService,
    IdentityUnificationResolver,
  ],
  exports: [
    IdentityService,
    IdentityHistory,
    IdentityResolver,
    IdentityRulesService,
    MergeLogService,
  ],
})
export class IdentityModule {}
