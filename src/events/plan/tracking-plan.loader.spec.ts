import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Envelope } from '../ingest/envelope';
import { checkAgainstPlan } from './plan-validator';
import { loadTrackingPlan } from './tracking-plan.loader';

async function planDir(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tb-plan-'));
  await mkdir(join(dir, 'events'));
  for (const [name, content] of Object.entries(files))
    await writeFile(
      join(dir, 'events', name),
      typeof content === 'string' ? content : stringify(content),
    );
  return dir;
}

const track = (properties: unknown, context?: unknown): Envelope => ({
  type: 'track',
  messageId: 'm',
  userId: 'u',
  anonymousId: null,
  event: 'Bought',
  body: { type: 'track', event: 'Bought', properties, ...(context ? { context } : {}) },
});

describe('tracking plan files', () => {
  it('loads versions in SchemaVer order and validates against the latest or the named one', async () => {
    const dir = await planDir({
      'bought.yaml': {
        event: 'Bought',
        versions: {
          '1-0-10': {
            type: 'object',
            required: ['sku', 'price'],
            properties: { sku: { type: 'string' }, price: { type: 'number' } },
          },
          '1-0-2': { type: 'object', required: ['sku'] },
        },
      },
    });
    const { plan, issues } = await loadTrackingPlan(dir);
    expect(issues).toEqual([]);
    expect(plan.events.get('track:Bought')!.versions.map((v) => v.version)).toEqual([
      '1-0-2',
      '1-0-10',
    ]);
    const source = { id: 'k', name: 'web' };
    expect(checkAgainstPlan(plan, source, track({ sku: 'a' })).reasons).toEqual([
      {
        pointer: '/properties/price',
        keyword: 'required',
        rule: "must have required property 'price'",
      },
    ]);
    expect(
      checkAgainstPlan(plan, source, track({ sku: 'a' }, { schemaVersion: '1-0-2' })),
    ).toMatchObject({ schemaVersion: '1-0-2', reasons: [] });
    expect(
      checkAgainstPlan(plan, source, track({ sku: 'a', price: 'x' })).reasons[0],
    ).toMatchObject({ pointer: '/properties/price', keyword: 'type' });
  });

  it('reports bad files with the file, the path and the rule', async () => {
    const dir = await planDir({
      'a.yaml': { versions: { '1-0-0': { type: 'object' } } },
      'b.yaml': { event: 'B', versions: { v1: { type: 'object' } } },
      'c.yaml': { event: 'C', versions: { '1-0-0': { type: 'objekt' } } },
      'd.yaml': { event: 'D', expected: { min: 1, per: 'hourly' }, versions: { '1-0-0': {} } },
      'e.yaml': 'event: [unclosed',
      '_sources.yaml': { default: { unplanned: 'maybe' } },
    });
    const { issues } = await loadTrackingPlan(dir);
    const text = issues.join('\n');
    expect(text).toMatch(/a\.yaml: event: is required for a track event/);
    expect(text).toMatch(/b\.yaml: versions: must match pattern/);
    expect(text).toMatch(/c\.yaml: versions\.1-0-0: not a valid JSON Schema/);
    expect(text).toMatch(/d\.yaml: expected\.per: must be a duration/);
    expect(text).toMatch(/e\.yaml: \(file\): not valid YAML/);
    expect(text).toMatch(
      /_sources\.yaml: default\.unplanned: must be equal to one of the allowed values/,
    );
  });

  it('treats a missing folder as an empty plan', async () => {
    const { plan, issues } = await loadTrackingPlan('/nonexistent-plan-dir');
    expect(issues).toEqual([]);
    expect(plan.events.size).toBe(0);
  });
});
