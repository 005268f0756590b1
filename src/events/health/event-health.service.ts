import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { eventSilent, eventWindowCount, inboxBacklog } from '../event-metrics';
import type { EventHealthModel } from '../models/event-health.model';
import { TrackingPlanService } from '../plan/tracking-plan.service';

const REFRESH_METRICS_MS = 30_000;

const HEALTH_SQL = `
SELECT k.key, coalesce(sum(r.count) FILTER (WHERE r.minute > now() - make_interval(secs => k.secs)), 0)::int AS count,
       max(r.minute) AS last_seen
FROM unnest($1::text[], $2::int[]) AS k(key, secs)
LEFT JOIN event_rate r ON r.event_key = k.key
GROUP BY k.key`;

// Silence detection: every planned event that declares `expected: {min, per}` is compared with
// the messages that arrived in the last `per`. Published as GraphQL eventHealth and as
// traitbase_event_silent / traitbase_event_window_count gauges (refreshed every 30 s).
@Injectable()
export class EventHealthService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(EventHealthService.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly plans: TrackingPlanService,
  ) {}

  async health(): Promise<EventHealthModel[]> {
    const planned = [...this.plans.current().events.values()].filter((p) => p.expected !== null);
    if (planned.length === 0) return [];
    const rows: { key: string; count: number; last_seen: Date | null }[] =
      await this.dataSource.query(HEALTH_SQL, [
        planned.map((p) => p.key),
        planned.map((p) => p.expected!.perSeconds),
      ]);
    const byKey = new Map(rows.map((r) => [r.key, r]));
    const out = planned.map((p) => {
      const row = byKey.get(p.key);
      const count = row?.count ?? 0;
      return {
        key: p.key,
        type: p.type,
        event: p.event,
        expectedMin: p.expected!.min,
        window: p.expected!.per,
        count,
        silent: count < p.expected!.min,
        lastSeenAt: row?.last_seen ?? null,
      };
    });
    for (const h of out) {
      eventSilent.set({ event: h.key }, h.silent ? 1 : 0);
      eventWindowCount.set({ event: h.key }, h.count);
    }
    return out;
  }

  // Messages received but not yet applied: the size of the inbox's queue.
  async refreshBacklog(): Promise<void> {
    const [row]: { n: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM event_inbox_pending`,
    );
    inboxBacklog.set(row.n);
  }

  onApplicationBootstrap(): void {
    const refresh = () =>
      void Promise.all([this.health(), this.refreshBacklog()]).catch((err: unknown) =>
        this.logger.warn(`event health: ${String(err)}`),
      );
    refresh();
    this.timer = setInterval(refresh, REFRESH_METRICS_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
