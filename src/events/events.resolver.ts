import { Args, Int, Query, Resolver } from '@nestjs/graphql';
import { RequireScopes } from '../api-keys/require-scopes.decorator';
import { EventHealthService } from './health/event-health.service';
import { InvalidEventsService, MAX_LIST } from './invalid/invalid-events.service';
import { EventHealthModel } from './models/event-health.model';
import { FailedEventModel, InvalidEventModel } from './models/invalid-event.model';

// Monitors of the ingestion: the invalid-events log, messages that failed processing, and
// silence of planned events. Payloads may hold personal data: admin keys only.
@Resolver()
@RequireScopes('admin')
export class EventsResolver {
  constructor(
    private readonly invalid: InvalidEventsService,
    private readonly health: EventHealthService,
  ) {}

  @Query(() => [InvalidEventModel], { description: 'Messages rejected at ingestion, newest first' })
  invalidEvents(
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
    @Args('source', { type: () => String, nullable: true, description: 'Write key name' })
    source?: string,
    @Args('event', { type: () => String, nullable: true }) event?: string,
  ): Promise<InvalidEventModel[]> {
    return this.invalid.recent(clamp(limit), { source, event });
  }

  @Query(() => [FailedEventModel], {
    description: 'Accepted messages the workers could not apply, newest first',
  })
  failedEvents(
    @Args('limit', { type: () => Int, defaultValue: 50 }) limit: number,
  ): Promise<FailedEventModel[]> {
    return this.invalid.failed(clamp(limit));
  }

  @Query(() => [EventHealthModel], {
    description: 'Planned events with an expected rate, and whether they went silent',
  })
  eventHealth(): Promise<EventHealthModel[]> {
    return this.health.health();
  }
}

function clamp(limit: number): number {
  return Math.max(1, Math.min(limit, MAX_LIST));
}
