import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AddressLimiter } from './address-limiter.service';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { RateLimiter } from './rate-limiter.service';
import { ScopesGuard } from './scopes.guard';
import { ViewerResolver } from './viewer.resolver';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity])],
  providers: [
    ApiKeysService,
    RateLimiter,
    AddressLimiter,
    ViewerResolver,
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
  exports: [ApiKeysService, RateLimiter, AddressLimiter],
})
export class ApiKeysModule {}
