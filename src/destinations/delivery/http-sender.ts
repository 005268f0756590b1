import { createHmac } from 'node:crypto';
import type { DestinationSpec } from '../spec/destination-spec';
import { headerNameProblem, headerValueProblem } from '../spec/destination-spec.check';

export type SendOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'throttled'; status: number; retryAfterMs: number | null }
  | { kind: 'failed'; status: number | null; reason: string; retryable: boolean };

const TIMEOUT_MS = 10_000;

export class MissingSecretError extends Error {}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new MissingSecretError(`environment variable ${name} is not set`);
  return value;
}

// Signature of a body at a time: hex HMAC-SHA256 of "<unix seconds>.<body>" (Stripe's scheme),
// sent as `X-Traitbase-Signature: t=<unix seconds>,v1=<hex>`.
export function signature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

// Retry-After: seconds or an HTTP date.
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

// One POST of a rendered batch; secrets (URL, signing key, header values) come from the
// environment at the moment of sending and are never stored or logged.
export async function send(spec: DestinationSpec, body: unknown): Promise<SendOutcome> {
  let url: string;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const text = JSON.stringify(body);
  try {
    url = spec.url ?? env(spec.url_env!);
    for (const [k, v] of Object.entries(spec.headers ?? {})) {
      const value = typeof v === 'string' ? v : env(v.env);
      // Checked again here: an environment variable is read only now (never echoed: it is a secret).
      const problem = headerNameProblem(k) ?? headerValueProblem(value);
      if (problem) {
        const from = typeof v === 'string' ? '' : ` (from ${v.env})`;
        return {
          kind: 'failed',
          status: null,
          reason: `headers.${k}${from}: ${problem}`,
          retryable: false,
        };
      }
      headers[k] = value;
    }
    if (spec.secret_env)
      headers['x-traitbase-signature'] = signature(
        env(spec.secret_env),
        Math.floor(Date.now() / 1000),
        text,
      );
  } catch (err) {
    if (err instanceof MissingSecretError)
      return { kind: 'failed', status: null, reason: err.message, retryable: true };
    throw err;
  }
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: text,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { kind: 'delivered', status: res.status };
    if (res.status === 429)
      return {
        kind: 'throttled',
        status: 429,
        retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
      };
    const retryable = res.status >= 500 || res.status === 408;
    return { kind: 'failed', status: res.status, reason: `HTTP ${res.status}`, retryable };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { kind: 'failed', status: null, reason: e.cause?.code ?? e.name, retryable: true };
  }
}
