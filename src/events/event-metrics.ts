import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../metrics/metrics';

export const eventsAccepted = new Counter({
  name: 'traitbase_events_accepted_total',
  help: 'Messages accepted and committed to the inbox, by type',
  labelNames: ['type'] as const,
  registers: [registry],
});

export const eventsDuplicate = new Counter({
  name: 'traitbase_events_duplicate_total',
  help: 'Accepted messages whose source and messageId were already in the inbox (stored once)',
  registers: [registry],
});

// event: the planned event key (type:name) or "(unplanned)"; reason: the rule's keyword.
export const eventsInvalid = new Counter({
  name: 'traitbase_events_invalid_total',
  help: 'Messages rejected at ingestion, by event and reason',
  labelNames: ['event', 'reason'] as const,
  registers: [registry],
});

export const eventsProcessed = new Counter({
  name: 'traitbase_events_processed_total',
  help: 'Inbox messages applied by the workers, by outcome (processed, failed)',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

// Wall-clock time of each step of applying one shard batch (docs/events.md, "Monitoring"): where
// processing time goes, so a backlog that grows can be traced to a step.
export const eventBatchStage = new Histogram({
  name: 'traitbase_event_batch_stage_seconds',
  help: 'Time of each step of applying one shard batch: fetch, identities, profiles, traits, commit',
  labelNames: ['stage'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

// Set when /metrics is scraped (EventHealthService): 1 when a planned event is below its expected rate.
export const eventSilent = new Gauge({
  name: 'traitbase_event_silent',
  help: 'Planned events below their expected minimum rate (1) or not (0)',
  labelNames: ['event'] as const,
  registers: [registry],
});

export const eventWindowCount = new Gauge({
  name: 'traitbase_event_window_count',
  help: 'Messages of a planned event received within its expected-rate window',
  labelNames: ['event'] as const,
  registers: [registry],
});

export const inboxBacklog = new Gauge({
  name: 'traitbase_event_inbox_backlog',
  help: 'Inbox messages received but not yet processed',
  registers: [registry],
});

export const eventShardsLeased = new Gauge({
  name: 'traitbase_event_shards_leased',
  help: 'Event shards this worker process leases (of 128), and the worker processes it sees',
  labelNames: ['what'] as const,
  registers: [registry],
});
