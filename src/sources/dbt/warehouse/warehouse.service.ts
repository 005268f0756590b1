import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { APP_CONFIG } from '../../../config/config.module';
import type { AppConfig } from '../../../config/configuration';
import { SyncFailure } from '../sync/sync-failure';

const CONNECT_TIMEOUT_MS = 10_000;

// Where dbt outputs are read: WAREHOUSE_URL (default: the service database), or a named warehouse
// `warehouse: analytics` → WAREHOUSE_URL_ANALYTICS. One small pool per URL, separate from the
// service's own pool, so long reads never starve the API.
@Injectable()
export class WarehouseService implements OnModuleDestroy {
  private readonly pools = new Map<string, Pool>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  urlOf(warehouse: string | null): string {
    if (!warehouse) return this.config.warehouseUrl;
    const variable = `WAREHOUSE_URL_${warehouse.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    const url = process.env[variable];
    if (!url || !/^postgres(ql)?:\/\/.+/.test(url)) {
      throw new SyncFailure(`warehouse ${warehouse}: set ${variable} to a postgres:// URL`);
    }
    return url;
  }

  async connect(warehouse: string | null): Promise<PoolClient> {
    const url = this.urlOf(warehouse);
    let pool = this.pools.get(url);
    if (!pool) {
      pool = new Pool({
        connectionString: url,
        max: 4,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: 'traitbase-dbt',
      });
      pool.on('error', () => undefined);
      this.pools.set(url, pool);
    }
    try {
      return await pool.connect();
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SyncFailure(`warehouse unreachable (${new URL(url).host}): ${reason}`, true);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.end()));
    this.pools.clear();
  }
}
