import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { TraitDef } from '../../trait-definitions/trait-def';
import type { DistributionBucketModel, TraitDistributionModel } from './trait-distribution.model';
import * as SQL from './trait-distribution.sql';

// Above this many trait_value rows, values are counted on a page sample of about this many rows.
export const SAMPLE_ROWS = 200_000;
const TOP = 10;
const RANGES = 10;

interface TopRow {
  value: unknown;
  count: number | null;
  total: number;
}

interface RangeRow {
  lo: number | null;
  hi: number | null;
  total: number;
  bucket: number | null;
  count: number | null;
}

// The spread of a trait's current values, for the catalogue's chart. Reads one trait at a time.
@Injectable()
export class TraitDistributionService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async of(def: TraitDef): Promise<TraitDistributionModel> {
    const percent = await this.samplePercent();
    const sampled = percent < 100;
    if (def.type === 'number' || def.type === 'timestamp') {
      const rows = await this.db.query<RangeRow[]>(SQL.rangesSql(def.type), [
        def.id,
        percent,
        RANGES,
      ]);
      return { sampled, other: 0, values: rows[0]?.total ?? 0, buckets: ranges(rows, def.type) };
    }
    const sql = def.type === 'json' ? SQL.JSON_TYPES : SQL.TOP_VALUES;
    const rows = await this.db.query<TopRow[]>(sql, [def.id, percent, TOP]);
    const total = rows[0]?.total ?? 0;
    const buckets = rows
      .filter((r) => r.count !== null)
      .map((r) => ({ value: r.value, from: null, to: null, count: r.count ?? 0 }));
    const counted = buckets.reduce((n, b) => n + b.count, 0);
    return { sampled, values: total, other: total - counted, buckets };
  }

  private async samplePercent(): Promise<number> {
    const [row] = await this.db.query<{ rows: number }[]>(SQL.ESTIMATED_ROWS);
    const rows = row?.rows ?? 0;
    return rows <= SAMPLE_ROWS ? 100 : Math.max(0.01, (100 * SAMPLE_ROWS) / rows);
  }
}

// Every range from the smallest to the largest value, empty ones included, so a chart is even.
function ranges(rows: RangeRow[], type: 'number' | 'timestamp'): DistributionBucketModel[] {
  const first = rows[0];
  if (!first || first.lo === null || first.hi === null) return [];
  const { lo, hi } = first;
  const counts = new Map(rows.map((r) => [r.bucket, r.count ?? 0]));
  const n = hi === lo ? 1 : RANGES;
  const width = (hi - lo) / n;
  const show = (x: number) => (type === 'timestamp' ? new Date(x * 1000).toISOString() : x);
  return Array.from({ length: n }, (_, i) => ({
    value: null,
    from: show(lo + i * width),
    to: show(i === n - 1 ? hi : lo + (i + 1) * width),
    count: counts.get(i + 1) ?? 0,
  }));
}
