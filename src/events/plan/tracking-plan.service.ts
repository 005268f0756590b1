import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module';
import type { AppConfig } from '../../config/configuration';
import { EMPTY_PLAN, TrackingPlan } from './tracking-plan';
import { loadTrackingPlan } from './tracking-plan.loader';

export class InvalidTrackingPlanError extends Error {}

// The tracking plan of TRAIT_DEFINITIONS_DIR/events, loaded and compiled once at start. An invalid
// plan stops the start with one line per problem, like invalid trait definitions do.
@Injectable()
export class TrackingPlanService implements OnModuleInit {
  private readonly logger = new Logger(TrackingPlanService.name);
  private plan: TrackingPlan = EMPTY_PLAN;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const loaded = await loadTrackingPlan(this.config.traitDefinitionsDir);
    if (loaded.issues.length > 0) {
      throw new InvalidTrackingPlanError(
        `invalid tracking plan (${loaded.issues.length} problem(s)):\n  ${loaded.issues.join('\n  ')}`,
      );
    }
    this.plan = loaded.plan;
    this.logger.log(`tracking plan: ${loaded.plan.events.size} planned event(s)`);
  }

  current(): TrackingPlan {
    return this.plan;
  }
}
