import { durationSeconds } from '../trait-definitions/rules/duration';

// At most `requests` requests per window of `windowSeconds` (docs/security.md#rate-limits).
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

// RATE_LIMIT when unset: generous enough for SDK flushes and the test suite, low enough to stop a
// runaway client from taking a whole replica.
export const DEFAULT_RATE_LIMIT: RateLimit = Object.freeze({ requests: 10_000, windowSeconds: 1 });

// ADDRESS_LIMIT when unset: requests per client address that carry no valid key or an unreadable
// body. A client with a working key never comes near it; a key-guessing loop stops within seconds.
export const DEFAULT_ADDRESS_LIMIT: RateLimit = Object.freeze({ requests: 100, windowSeconds: 60 });

export const RATE_LIMIT_RULE =
  'must be <requests>/<window> such as 100/1s or 6000/1m (requests up to 1000000000, window up to 1d)';

const SPEC = /^([1-9][0-9]{0,9})\/([1-9][0-9]*[smhdw])$/;
const MAX_REQUESTS = 1_000_000_000;
const MAX_WINDOW_SECONDS = 86_400;

// "100/1s" → { requests: 100, windowSeconds: 1 }; null when the text is not of that form.
export function parseRateLimit(text: string): RateLimit | null {
  const match = SPEC.exec(text.trim());
  if (!match) return null;
  const requests = Number(match[1]);
  const windowSeconds = durationSeconds(match[2]);
  if (requests > MAX_REQUESTS || !windowSeconds || windowSeconds > MAX_WINDOW_SECONDS) return null;
  return { requests, windowSeconds };
}

export function formatRateLimit(limit: RateLimit): string {
  return `${limit.requests}/${limit.windowSeconds}s`;
}
