import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { FeedModule } from '../feed/feed.module';
import { IdentityModule } from '../identity/identity.module';
import { TraitDefinitionsModule } from '../trait-definitions/trait-definitions.module';
import { TraitsModule } from '../traits/traits.module';
import { ProfileAt } from './as-of/profile-at.service';
import { ProfileCache } from './cache/profile-cache.service';
import { IdentityMaskResolver, IdentityRefMaskResolver } from './masking/identity-mask.resolver';
import { ProfileEntity } from './profile.entity';
import { ProfilesController } from './profiles.controller';
import { ProfilesLoaderFactory } from './profiles.loader';
import { ProfilesResolver } from './profiles.resolver';
import { ProfilesService } from './profiles.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([ProfileEntity]),
    FeedModule,
    IdentityModule,
    TraitDefinitionsModule,
    TraitsModule,
  ],
  controllers: [ProfilesController],
  providers: [
    ProfilesService,
    ProfilesResolver,
    ProfilesLoaderFactory,
    ProfileAt,
    IdentityMaskResolver,
    IdentityRefMaskResolver,
    ProfileCache,
  ],
  exports: [ProfilesService, ProfilesLoaderFactory],
})
export class ProfilesModule {}
