import type { EventCondition } from './rule.types';

// The counts an event condition accepts, [low, high] inclusive (default: at least one).
export function countBounds(cond: EventCondition): { low: number; high: number } {
  const c = cond.count ?? { gte: 1 };
  if (c.eq !== undefined) return { low: c.eq, high: c.eq };
  return { low: c.gte ?? 0, high: c.lte ?? Infinity };
}
