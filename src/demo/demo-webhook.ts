import type { DataSource } from 'typeorm';
import { DomainError, ErrorCode } from '../common/errors/domain-error';
import type { DemoHttp } from './demo-http';

export const DEMO_DESTINATION = 'demo_webhook';
export const DEMO_WEBHOOK_AUDIENCE = 'at_risk_spenders';
// Read by the server when it sends (the signing key is never stored): set it where `npm start` runs.
export const DEMO_WEBHOOK_SECRET_ENV = 'DEMO_WEBHOOK_SECRET';

export interface DemoWebhook {
  destination: string | null;
  url: string | null;
  delivered: number;
  changed: boolean;
  // Why there is no destination (DEMO_WEBHOOK_URL unset): what to set to see one.
  skipped: string | null;
}

// The demo's destination: at_risk_spenders entries and exits, with the player's user_id and two
// traits (hashed where personal, as for any destination), signed, to the URL the user names.
export function demoDestinationSpec(url: string) {
  return {
    name: 'Demo webhook (at-risk spenders)',
    kind: 'webhook',
    url,
    secret_env: DEMO_WEBHOOK_SECRET_ENV,
    audiences: [DEMO_WEBHOOK_AUDIENCE],
    traits: ['lifetime_value', 'churn_propensity'],
    identities: ['user_id'],
    mode: 'upsert',
    batch_size: 100,
    rate_limit: 500,
    // A sink that does not answer (or a server without the secret) is reported within seconds.
    max_attempts: 3,
    backoff_ms: 500,
  };
}

const DESTINATIONS = '{ destinations { slug config pending dead } }';
const SAVE = `mutation($slug: String!, $config: JSON!) { saveDestination(input: {slug: $slug, config: $config}) { slug } }`;
const BACKFILL = 'mutation($d: String!) { backfillDestination(destination: $d) }';
const DEAD = 'query($d: String!) { deadLetters(destination: $d, first: 1) { error } }';
const DELIVERED = `SELECT count(*) AS n FROM data_flow_ledger WHERE destination_slug = $1`;

interface Destination {
  slug: string;
  config: unknown;
  pending: number;
  dead: number;
}

export const WEBHOOK_HINT =
  `set DEMO_WEBHOOK_URL (for \`traitbase demo\`) and ${DEMO_WEBHOOK_SECRET_ENV} (for \`npm start\`) ` +
  `to send ${DEMO_WEBHOOK_AUDIENCE} entries to a webhook: docs/demo.md#activation`;

// Key order aside (jsonb keeps its own), the same config.
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

async function delivered(db: DataSource): Promise<number> {
  return Number((await db.query<{ n: string }[]>(DELIVERED, [DEMO_DESTINATION]))[0].n);
}

// Without DEMO_WEBHOOK_URL the demo defines no destination (a URL nobody listens on would only
// fill dead letters) and says how to get one. With it: saved through saveDestination, backfilled
// with the audience's members, and waited for until the outbox is empty. A re-run with the same
// URL finds the destination as it is and sends nothing.
export async function demoWebhook(
  ctx: { db: DataSource; http: DemoHttp },
  adminKey: string,
  url: string | undefined,
  poll: <T>(what: string, timeoutMs: number, probe: () => Promise<T | null>) => Promise<T>,
): Promise<DemoWebhook> {
  if (!url)
    return { destination: null, url: null, delivered: 0, changed: false, skipped: WEBHOOK_HINT };
  const spec = demoDestinationSpec(url);
  const find = async () =>
    (
      await ctx.http.graphql<{ destinations: Destination[] }>(adminKey, DESTINATIONS)
    ).destinations.find((d) => d.slug === DEMO_DESTINATION);
  const existing = await find();
  const same = existing && canonical(existing.config) === canonical(spec);
  if (same && existing.pending === 0 && existing.dead === 0 && (await delivered(ctx.db)) > 0)
    return {
      destination: DEMO_DESTINATION,
      url,
      delivered: await delivered(ctx.db),
      changed: false,
      skipped: null,
    };
  if (!same) await ctx.http.graphql(adminKey, SAVE, { slug: DEMO_DESTINATION, config: spec });
  await ctx.http.graphql(adminKey, BACKFILL, { d: DEMO_DESTINATION });
  await poll(`deliveries to ${DEMO_DESTINATION}`, 60_000, async () => {
    const d = await find();
    if (d && d.dead > 0) {
      const { deadLetters } = await ctx.http.graphql<{ deadLetters: { error: string }[] }>(
        adminKey,
        DEAD,
        { d: DEMO_DESTINATION },
      );
      throw new DomainError(
        ErrorCode.INVALID_INPUT,
        `the demo webhook at ${url} was not delivered: ${deadLetters[0]?.error ?? 'dead-lettered'} ` +
          `(the server needs ${DEMO_WEBHOOK_SECRET_ENV}; replayDeadLetters(destination: "${DEMO_DESTINATION}") sends them again)`,
      );
    }
    return d && d.pending === 0 ? true : null;
  });
  return {
    destination: DEMO_DESTINATION,
    url,
    delivered: await delivered(ctx.db),
    changed: true,
    skipped: null,
  };
}
