import type { Client } from 'graphql-ws';
import WebSocket from 'ws';
import { PROFILE_CHANGED, PushedChange, wsClient } from '../../test/utils/subscriptions';
import { childArgs, runAsChild, settleHeap } from '../lib/child';
import { writeBody } from './requests';

// Write → last delivery to N subscribers, all sockets in this one process (the load CPU), so the
// write's start and every arrival are read from one clock:
// - graphql: N graphql-ws clients, each on its own socket, subscribed to profileChanged of one
//   profile; a one-row writeTraits of that profile, timed until the N-th subscriber has its change;
// - ws: N raw `ws` clients of bench/baselines/ws-fanout.main.ts; one asks, the server broadcasts a
//   message of the same size, timed until the N-th client has it.
// Writes follow one another: the next starts when every subscriber has the previous one.
export type FanoutArgs = {
  url: string;
  subscribers: number;
  warmup: number;
  writes: number;
} & (
  | { kind: 'graphql'; readKey: string; writeKey: string; profile: number; trait: string }
  | { kind: 'ws' }
);

export interface FanoutReport {
  // Bytes of one push as a graphql-ws `next` message (graphql) or as sent (ws).
  pushBytes: number;
  lastMs: number[];
  writeMs: number[];
}

const DELIVERY_TIMEOUT_MS = 30_000;
const now = () => Number(process.hrtime.bigint()) / 1e6;

// Arrivals by tag; `waitAll(tag, n)` resolves when n subscribers have a message with that tag.
class Arrivals {
  private readonly times = new Map<string, number[]>();
  private waiter: { tag: string; n: number; resolve: () => void } | null = null;

  record(tag: string): void {
    let list = this.times.get(tag);
    if (!list) this.times.set(tag, (list = []));
    list.push(now());
    if (this.waiter && this.waiter.tag === tag && list.length >= this.waiter.n)
      this.waiter.resolve();
  }

  async waitAll(tag: string, n: number, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<number[] | null> {
    if ((this.times.get(tag)?.length ?? 0) < n) {
      const reached = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        this.waiter = { tag, n, resolve: () => (clearTimeout(timer), resolve(true)) };
      });
      this.waiter = null;
      if (!reached) return null;
    }
    return this.times.get(tag)!;
  }
}

async function graphqlRun(args: Extract<FanoutArgs, { kind: 'graphql' }>): Promise<FanoutReport> {
  const arrivals = new Arrivals();
  const clients: Client[] = [];
  const errors: unknown[] = [];
  let pushBytes = 0;
  for (let i = 0; i < args.subscribers; i++) {
    const client = wsClient(args.url, args.readKey);
    clients.push(client);
    client.subscribe<{ profileChanged: PushedChange }>(
      {
        query: PROFILE_CHANGED,
        variables: { identity: { type: 'user_id', value: `u${args.profile}` } },
      },
      {
        next: (r) => {
          const change = r.data?.profileChanged.changes.find((c) => c.name === args.trait);
          if (change) arrivals.record(String(change.after));
          if (!pushBytes)
            pushBytes = JSON.stringify({ id: String(i), type: 'next', payload: r }).length;
          if (r.errors) errors.push(...r.errors);
        },
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
  }
  const write = async (value: number) => {
    const res = await fetch(`${args.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${args.writeKey}` },
      body: writeBody(args.profile, args.trait, value),
    });
    const text = await res.text();
    if (!text.includes('"revisions":1'))
      throw new Error(`writeTraits: ${res.status} ${text.slice(0, 300)}`);
  };
  try {
    const base = Date.now() % 1_000_000_000;
    // Subscriptions are live once one write reaches all of them (a subscribe has no ack).
    let value = base;
    for (let attempt = 0; ; attempt++) {
      await write(++value);
      if (await arrivals.waitAll(String(value), args.subscribers, 2_000)) break;
      if (errors.length > 0 || attempt > 30)
        throw new Error(`subscriptions did not all go live: ${JSON.stringify(errors.slice(0, 3))}`);
    }
    for (let i = 0; i < args.warmup; i++) {
      await write(++value);
      await arrivals.waitAll(String(value), args.subscribers);
    }
    settleHeap();
    const lastMs: number[] = [];
    const writeMs: number[] = [];
    for (let i = 0; i < args.writes; i++) {
      const t0 = now();
      await write(++value);
      writeMs.push(now() - t0);
      const times = await arrivals.waitAll(String(value), args.subscribers);
      if (!times)
        throw new Error(`write ${i}: not every subscriber had it within ${DELIVERY_TIMEOUT_MS} ms`);
      lastMs.push(Math.max(...times) - t0);
    }
    if (errors.length > 0)
      throw new Error(`subscription errors: ${JSON.stringify(errors.slice(0, 3))}`);
    return { pushBytes, lastMs, writeMs };
  } finally {
    await Promise.all(
      clients.map(async (c) => {
        await c.dispose();
      }),
    );
  }
}

async function wsRun(args: Extract<FanoutArgs, { kind: 'ws' }>): Promise<FanoutReport> {
  const arrivals = new Arrivals();
  let pushBytes = 0;
  const url = args.url.replace(/^http/, 'ws');
  const sockets = await Promise.all(
    Array.from(
      { length: args.subscribers },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const s = new WebSocket(url);
          s.on('message', (data: Buffer) => {
            pushBytes = data.length;
            // Parsed as the graphql-ws client parses each message.
            arrivals.record((JSON.parse(data.toString('utf8')) as { id: string }).id);
          });
          s.once('open', () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
  try {
    let n = 0;
    const broadcast = async () => {
      const tag = String(++n);
      const t0 = now();
      sockets[0].send(tag);
      const times = await arrivals.waitAll(tag, args.subscribers);
      if (!times) throw new Error(`broadcast ${tag}: not every client had it`);
      return Math.max(...times) - t0;
    };
    for (let i = 0; i < args.warmup; i++) await broadcast();
    settleHeap();
    const lastMs: number[] = [];
    for (let i = 0; i < args.writes; i++) lastMs.push(await broadcast());
    return { pushBytes, lastMs, writeMs: [] };
  } finally {
    for (const s of sockets) s.terminate();
  }
}

runAsChild<FanoutReport>(() => {
  const args = childArgs<FanoutArgs>();
  return args.kind === 'graphql' ? graphqlRun(args) : wsRun(args);
});
