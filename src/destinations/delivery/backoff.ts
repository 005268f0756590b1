const MAX_MS = 5 * 60_000;

// Exponential backoff with "equal jitter": half the doubled delay fixed, half random, so retries
// of many destinations spread out instead of arriving together.
export function backoffMs(baseMs: number, attempt: number, random = Math.random()): number {
  const full = Math.min(MAX_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (full / 2) * random);
}
