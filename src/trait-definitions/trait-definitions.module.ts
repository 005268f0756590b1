import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TraitCatalogService } from './trait-catalog.service';
import { TraitDefinitionVersionEntity } from './trait-definition-version.entity';
import { TraitDefinitionVersionsLoader } from './trait-definition-versions.loader';
import { TraitDefinitionEntity } from './trait-definition.entity';
import { TraitDefinitionsResolver } from './trait-definitions.resolver';
import { TraitDefinitionsService } from './trait-definitions.service';
import { TraitDefinitionsStartup } from './trait-definitions.startup';
import { TraitRegistry } from './trait-registry.service';
import { TraitUsageRegistry } from './trait-usage.registry';

@Module({
  imports: [TypeOrmModule.forFeature([TraitDefinitionEntity, TraitDefinitionVersionEntity])],
  providers: [
    TraitRegistry,
    TraitUsageRegistry,
    TraitDefinitionsService,
    TraitCatalogService,
    TraitDefinitionVersionsLoader,
    TraitDefinitionsResolver,
    TraitDefinitionsStartup,
  ],
  exports: [TraitRegistry, TraitDefinitionsService, TraitUsageRegistry, TraitCatalogService],
})
export class TraitDefinitionsModule {}
