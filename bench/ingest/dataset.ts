import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { rngFor } from '../lib/prng';

const SEED = 20_261_122;
const USERS = 50_000;
// One message in 20 is an identify whose `level` trait becomes a trait value; the rest are tracks.
const IDENTIFY_EVERY = 20;
const MODES = ['solo', 'duo', 'squad'];

// The i-th message of a run: deterministic content, a messageId unique to the run.
export function eventJson(run: string, i: number): string {
  const rnd = rngFor(SEED, i);
  const user = `player-${Math.floor(rnd() * USERS)}`;
  const at = new Date(Date.UTC(2026, 10, 1) + i * 10).toISOString();
  if (i % IDENTIFY_EVERY === 0) {
    return `{"type":"identify","messageId":"${run}-${i}","userId":"${user}","timestamp":"${at}","traits":{"level":${Math.floor(rnd() * 100)},"locale":"en-GB"},"context":{"library":{"name":"bench","version":"1"}}}`;
  }
  return (
    `{"type":"track","messageId":"${run}-${i}","userId":"${user}","event":"Level Completed","timestamp":"${at}",` +
    `"properties":{"level":${Math.floor(rnd() * 100)},"score":${Math.floor(rnd() * 100_000)},"mode":"${MODES[i % 3]}"},` +
    `"context":{"library":{"name":"bench","version":"1"},"ip":"203.0.113.${i % 250}"}}`
  );
}

export function batchBody(run: string, first: number, size: number): string {
  const parts: string[] = [];
  for (let i = first; i < first + size; i++) parts.push(eventJson(run, i));
  return `{"batch":[${parts.join(',')}]}`;
}

// A definitions folder as a studio would have it: a planned event and an event-fed trait.
export function benchDefinitionsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tb-bench-ingest-'));
  mkdirSync(join(dir, 'events'));
  writeFileSync(
    join(dir, 'events', 'level_completed.yaml'),
    stringify({
      event: 'Level Completed',
      versions: {
        '1-0-0': {
          type: 'object',
          required: ['level', 'score'],
          properties: {
            level: { type: 'integer', minimum: 0 },
            score: { type: 'integer' },
            mode: { enum: MODES },
          },
        },
      },
    }),
  );
  writeFileSync(
    join(dir, 'player.yaml'),
    stringify({
      source: { kind: 'event' },
      traits: [{ name: 'level', type: 'number', owner: 'bench' }],
    }),
  );
  return dir;
}
