import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { count } from '../utils/sql';
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
