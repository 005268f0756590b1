import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { invalidMessage } from '../../common/yaml/yaml-issue';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { displayPath } from '../../trait-definitions/yaml/definitions.loader';
import { loadIdentityConfig } from './identity-config.loader';
import { activeIdentityRules, IdentityRules, installIdentityRules } from './identity-rules';

export class InvalidIdentityRulesError extends Error {}

// Reads identity.yaml once at start (before anything resolves or writes) and installs the rules
// process-wide; an invalid file stops the start with its file:line list.
@Injectable()
export class IdentityRulesService implements OnModuleInit {
  private readonly logger = new Logger(IdentityRulesService.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const loaded = await loadIdentityConfig(this.config.traitDefinitionsDir);
    if (!loaded.rules) {
      throw new InvalidIdentityRulesError(invalidMessage('identity rules', loaded.issues));
    }
    installIdentityRules(loaded.rules);
    this.logger.log(
      loaded.file
        ? `identity rules: ${displayPath(loaded.file)} (${loaded.rules.types.size} types)`
        : 'identity rules: built-in defaults (no identity.yaml)',
    );
  }

  get rules(): IdentityRules {
    return activeIdentityRules();
  }
}
