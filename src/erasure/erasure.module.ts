import { Module } from '@nestjs/common';
import { FeedModule } from '../feed/feed.module';
import { IdentityModule } from '../identity/identity.module';
import { ErasureController } from './erasure.controller';
import { ErasureResolver } from './erasure.resolver';
import { ErasureService } from './erasure.service';

@Module({
  imports: [IdentityModule, FeedModule],
  controllers: [ErasureController],
  providers: [ErasureService, ErasureResolver],
})
export class ErasureModule {}
