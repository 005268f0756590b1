import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { audienceUsageFromDatabase } from '../audiences/storage/audience-trait-usage';
import type { AppConfig } from '../config/configuration';
import { destinationUsageFromDatabase } from '../destinations/storage/destination-trait-usage';
import { TraitDefinitionEntity } from '../trait-definitions/trait-definition.entity';
import { TraitDefinitionsService } from '../trait-definitions/trait-definitions.service';
import { TraitRegistry } from '../trait-definitions/trait-registry.service';
import { TraitUsageRegistry } from '../trait-definitions/trait-usage.registry';

// The app's own services over a plain DataSource: the CLI does what the server would, without
// booting Nest. Features that report trait usage register their lookup here too.
export function definitionsService(dataSource: DataSource): TraitDefinitionsService {
  const registry = new TraitRegistry(dataSource.getRepository(TraitDefinitionEntity));
  const usage = new TraitUsageRegistry();
  usage.register(audienceUsageFromDatabase(dataSource));
  usage.register(destinationUsageFromDatabase(dataSource));
  return new TraitDefinitionsService(dataSource, registry, usage);
}

export function apiKeysService(dataSource: DataSource, config: AppConfig): ApiKeysService {
  return new ApiKeysService(dataSource.getRepository(ApiKeyEntity), config);
}
