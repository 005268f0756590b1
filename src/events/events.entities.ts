import { EventRateEntity } from './health/event-rate.entity';
import { InboxEntryEntity } from './inbox/inbox-entry.entity';
import { InboxPendingEntity } from './inbox/inbox-pending.entity';
import { InvalidEventEntity } from './invalid/invalid-event.entity';

// The events feature's TypeORM entities. The partitioned `events` table is not among them: it is
// declared in raw SQL in its migration and written with set-based SQL only.
export const EVENTS_ENTITIES = [
  InboxEntryEntity,
  InboxPendingEntity,
  InvalidEventEntity,
  EventRateEntity,
];
