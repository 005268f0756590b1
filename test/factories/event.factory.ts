import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { shardOf } from '../../src/events/ingest/shard';
import { count, sql } from '../utils/sql';
import type { TestApp } from '../utils/test-app';

export function trackMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'track',
    messageId: randomUUID(),
    userId: `u-${randomUUID()}`,
    event: 'Test Event',
    properties: {},
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

export function identifyMessage(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'identify',
    messageId: randomUUID(),
    userId: `u-${randomUUID()}`,
    traits: {},
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

export interface PlanFiles {
  // file name (under events/) → content
  events?: Record<string, unknown>;
  // file name (at the top) → trait definition file content
  traits?: Record<string, unknown>;
}

// A definitions folder for one test app: trait definition files and tracking-plan files.
export async function definitionsDir(files: PlanFiles): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tb-events-'));
  await mkdir(join(dir, 'events'));
  for (const [name, content] of Object.entries(files.events ?? {}))
    await writeFile(join(dir, 'events', name), stringify(content));
  for (const [name, content] of Object.entries(files.traits ?? {}))
    await writeFile(join(dir, name), stringify(content));
  return dir;
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

export async function post(
  t: TestApp,
  path: string,
  body: unknown,
  key?: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${t.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: basicAuth(key) } : {}),
      ...headers,
    },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

// Waits until the workers have applied everything the inbox holds.
export async function waitForInboxDrained(t: TestApp, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const pending = await count(t, `SELECT count(*) AS n FROM event_inbox_pending`);
    if (pending === 0) return;
    if (Date.now() > until) throw new Error(`inbox still has ${pending} unprocessed message(s)`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A track message written straight into the inbox and its shard's queue, as ingestion commits it
// but without the signal (or as an older release left it), received `agoSeconds` ago.
export async function enqueueTrack(
  t: TestApp,
  source: string,
  msg: { messageId: string; userId: string; event: string },
  agoSeconds: number,
): Promise<void> {
  await sql(
    t,
    `WITH m AS (
       INSERT INTO event_inbox (source_id, message_id, shard, type, event, payload, received_at)
       VALUES ($1, $2, $3, 'track', $4, $5, now() - make_interval(secs => $6)) RETURNING shard, id)
     INSERT INTO event_inbox_pending (shard, id) SELECT shard, id FROM m`,
    [
      source,
      msg.messageId,
      shardOf(msg.userId, null),
      msg.event,
      JSON.stringify({ type: 'track', ...msg }),
      agoSeconds,
    ],
  );
}
