import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { compareIssues, DefinitionIssue, invalidMessage } from '../../common/yaml/yaml-issue';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { InvalidDefinitionsError } from '../../trait-definitions/trait-definitions.startup';
import { DestinationNameChecker } from '../spec/destination-name-checker.service';
import { DestinationsService } from '../storage/destinations.service';
import { loadDestinationFiles } from './destination-files.loader';

function invalid(issues: DefinitionIssue[]): InvalidDefinitionsError {
  return new InvalidDefinitionsError(invalidMessage('destinations', issues.sort(compareIssues)));
}

// Applies trait-definitions/destinations/ when the service starts, after the trait definitions
// and audiences/ (so a file may list what the folder defines): each file saves its destination
// (read-only in the API); a destination whose file is gone is archived. Invalid files, and
// traits or audiences the server does not define, stop the start with file:line messages before
// anything is saved. A missing folder changes nothing.
@Injectable()
export class DestinationsStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger(DestinationsStartup.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly destinations: DestinationsService,
    private readonly names: DestinationNameChecker,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await loadDestinationFiles(this.config.traitDefinitionsDir);
    if (!loaded.exists) return;
    if (loaded.issues.length > 0) throw invalid(loaded.issues);
    const issues: DefinitionIssue[] = [];
    for (const d of loaded.destinations)
      issues.push(...(await this.names.problems(d.spec)).map((p) => d.locate(p)));
    if (issues.length > 0) throw invalid(issues);
    for (const d of loaded.destinations)
      await this.destinations.save(d.slug, d.spec, { kind: 'yaml', file: d.relative });
    const slugs = new Set(loaded.destinations.map((d) => d.slug));
    const gone = (await this.destinations.active()).filter(
      (d) => d.origin === 'yaml' && !slugs.has(d.slug),
    );
    for (const d of gone) await this.destinations.archive(d.slug);
    this.logger.log(`destinations: ${loaded.files.length} file(s), ${gone.length} archived`);
  }
}
