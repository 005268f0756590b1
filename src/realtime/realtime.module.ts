import { Module } from '@nestjs/common';
import { FeedModule } from '../feed/feed.module';
import { IdentityModule } from '../identity/identity.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { ChangeHub } from './change-hub.service';
import { ProfileChangesResolver } from './profile-changes.resolver';

// Live profile subscriptions over GraphQL (docs/realtime.md), fed by the change feed.
@Module({
  imports: [FeedModule, IdentityModule, TraitDefinitionsModule],
  providers: [ChangeHub, ProfileChangesResolver],
  exports: [ChangeHub],
})
export class RealtimeModule {}
