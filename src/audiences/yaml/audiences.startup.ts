import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DomainError, ErrorCode } from '../../common/errors/domain-error';
import { compareIssues, invalidMessage } from '../../common/yaml/yaml-issue';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { InvalidDefinitionsError } from '../../trait-definitions/trait-definitions.startup';
import { RuleChecker } from '../rule/rule-checker.service';
import { audiencesRead } from '../rule/rule-references';
import type { Rule } from '../rule/rule.types';
import { AudienceDirectory } from '../storage/audience-directory.service';
import { AudiencesService } from '../storage/audiences.service';
import type { AudienceFile } from './audience-file.parser';
import { checkAudienceFiles, loadAudienceFiles } from './audience-files.loader';

// Referenced audiences first, so each rule finds the audiences it reads.
function dependencyOrder(files: readonly AudienceFile[]): AudienceFile[] {
  const bySlug = new Map(files.map((f) => [f.slug, f]));
  const out: AudienceFile[] = [];
  const seen = new Set<string>();
  const visit = (f: AudienceFile) => {
    if (seen.has(f.slug)) return;
    seen.add(f.slug);
    for (const s of audiencesRead(f.rule as Rule)) {
      const dep = bySlug.get(s);
      if (dep) visit(dep);
    }
    out.push(f);
  };
  files.forEach(visit);
  return out;
}

// Applies trait-definitions/audiences/ when the service starts (after the trait definitions):
// each file saves its audience with origin yaml (read-only in the API), in dependency order; an
// audience whose file is gone is archived. Invalid files stop the start with file:line messages.
// A missing folder changes nothing.
@Injectable()
export class AudiencesStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger(AudiencesStartup.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audiences: AudiencesService,
    private readonly checker: RuleChecker,
    private readonly directory: AudienceDirectory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const loaded = await loadAudienceFiles(this.config.traitDefinitionsDir);
    if (!loaded.exists) return;
    const issues = [
      ...loaded.issues,
      ...checkAudienceFiles(loaded.audiences, {
        trait: () => 'unchecked',
        audience: () => 'unchecked',
      }),
    ];
    const ordered = dependencyOrder(loaded.audiences);
    const slugs = new Set(ordered.map((f) => f.slug));
    // Against what the server defines: every trait, and audiences saved or in the folder.
    for (const f of issues.length === 0 ? ordered : []) {
      const checked = await this.checker.check(f.rule, f.slug, slugs);
      if (!checked.ok) issues.push(...checked.faults.map((x) => f.locate(x)));
    }
    if (issues.length > 0) {
      throw new InvalidDefinitionsError(invalidMessage('audiences', issues.sort(compareIssues)));
    }
    let changed = 0;
    for (const f of ordered) {
      const saved = await this.audiences.save(
        {
          slug: f.slug,
          name: f.name,
          description: f.description,
          owner: f.owner,
          schedule: f.schedule,
          rule: f.rule,
        },
        { kind: 'yaml', file: f.relative },
      );
      if (saved.changed) changed += 1;
    }
    const gone = (await this.directory.active()).filter(
      (a) => a.origin === 'yaml' && !slugs.has(a.slug),
    );
    for (const a of gone) await this.archiveGone(a.slug);
    this.logger.log(
      `audiences: ${loaded.files.length} file(s), ${changed} saved, ${gone.length} archived`,
    );
  }

  private async archiveGone(slug: string): Promise<void> {
    try {
      await this.audiences.archive(slug, 'yaml');
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== ErrorCode.CONFLICT) throw err;
      this.logger.warn(
        `audience ${slug}: its file is gone but it is still read by other audiences; kept`,
      );
    }
  }
}
