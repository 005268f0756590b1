import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'traitbase_' });

export const httpRequests = new Histogram({
  name: 'traitbase_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const traitRowsWritten = new Counter({
  name: 'traitbase_trait_rows_total',
  help: 'Trait rows received by the write path, by source kind and outcome (revision, unchanged, rejected)',
  labelNames: ['source_kind', 'outcome'] as const,
  registers: [registry],
});
