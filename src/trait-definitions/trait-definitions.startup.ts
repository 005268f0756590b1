import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { invalidMessage } from '../common/yaml/yaml-issue';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/configuration';
import { planSummary, TraitDefinitionsService } from './trait-definitions.service';
import { displayPath, loadDefinitionsDir } from './yaml/definitions.loader';

export const YAML_ORIGIN = 'yaml';

export class InvalidDefinitionsError extends Error {}

// Applies TRAIT_DEFINITIONS_DIR when the service starts. Invalid files stop the start with
// their file:line list. A missing folder applies nothing (it does not retire anything).
@Injectable()
export class TraitDefinitionsStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger(TraitDefinitionsStartup.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly definitions: TraitDefinitionsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await loadDefinitionsDir(this.config.traitDefinitionsDir);
    if (!loaded.exists) {
      this.logger.log(`no trait definitions folder at ${displayPath(loaded.dir)}: nothing applied`);
      return;
    }
    if (loaded.issues.length > 0) {
      throw new InvalidDefinitionsError(
        invalidMessage(`trait definitions in ${displayPath(loaded.dir)}`, loaded.issues),
      );
    }
    const plan = await this.definitions.apply(loaded.specs, YAML_ORIGIN);
    this.logger.log(`trait definitions: ${loaded.files.length} file(s), ${planSummary(plan)}`);
  }
}
