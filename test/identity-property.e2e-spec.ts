import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityResolver } from '../src/identity/resolve/identity-resolver.service';
import { UnmergeService } from '../src/identity/unmerge/unmerge.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { sql } from './utils/sql';
import { startTestApp, TestApp } from './utils/test-app';

// The rules of the test's identity.yaml, restated for the reference below.
const RULES: Record<string, { priority: number; limit: number }> = {
  user_id: { priority: 100, limit: 1 },
  email: { priority: 80, limit: 2 },
  device_id: { priority: 50, limit: 2 },
  anonymous_id: { priority: 30, limit: 3 },
};
const IDENTITY_YAML = `types:
  email: { limit: 2 }
  device_id: { limit: 2 }
  anonymous_id: { limit: 3 }
`;
const BLOCKED = 'undefined';
const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);

type Id = { type: string; value: string };
type Step = { kind: 'observe' | 'write'; ids: Id[] };

// An independent reference written from the rule text of docs/identity.md, not from the engine:
// union-find over profiles with per-type counts.
class Reference {
  private owner = new Map<string, number>();
  private parent: number[] = [];
  private counts: Map<string, number>[] = [];

  private find(p: number): number {
    while (this.parent[p] !== p) p = this.parent[p];
    return p;
  }
  private create(): number {
    this.parent.push(this.parent.length);
    this.counts.push(new Map());
    return this.parent.length - 1;
  }
  private join(key: string, type: string, p: number): void {
    this.owner.set(key, p);
    this.counts[p].set(type, (this.counts[p].get(type) ?? 0) + 1);
  }
  private profile(key: string): number | undefined {
    const p = this.owner.get(key);
    return p === undefined ? undefined : this.find(p);
  }

  observe(raw: Id[]): void {
    const ids = [
      ...new Map(
        raw.filter((i) => i.value !== BLOCKED).map((i) => [`${i.type}:${i.value}`, i]),
      ).values(),
    ];
    ids.sort(
      (a, b) =>
        RULES[b.type].priority - RULES[a.type].priority ||
        (a.type < b.type
          ? -1
          : a.type > b.type
            ? 1
            : a.value < b.value
              ? -1
              : a.value > b.value
                ? 1
                : 0),
    );
    let lead = ids.findIndex((i) => this.profile(`${i.type}:${i.value}`) !== undefined);
    let target = lead < 0 ? undefined : this.profile(`${ids[lead].type}:${ids[lead].value}`);
    ids.forEach((id, i) => {
      const key = `${id.type}:${id.value}`;
      const p = this.profile(key);
      if (p === undefined) {
        if (target === undefined) {
          target = this.create();
          lead = i;
          this.join(key, id.type, target);
        } else if ((this.counts[target].get(id.type) ?? 0) < RULES[id.type].limit) {
          this.join(key, id.type, target);
        } else {
          const own = this.create();
          this.join(key, id.type, own);
          if (lead > i) {
            target = own;
            lead = i;
          }
        }
        return;
      }
      if (p === target) return;
      const fits = Object.keys(RULES).every(
        (type) =>
          (this.counts[target!].get(type) ?? 0) + (this.counts[p].get(type) ?? 0) <=
          RULES[type].limit,
      );
      if (!fits) return;
      this.parent[p] = target!;
      for (const [type, n] of this.counts[p])
        this.counts[target!].set(type, (this.counts[target!].get(type) ?? 0) + n);
    });
  }

  partition(): string[][] {
    const groups = new Map<number, string[]>();
    for (const key of this.owner.keys()) {
      const p = this.profile(key)!;
      groups.set(p, [...(groups.get(p) ?? []), key]);
    }
    return canonical([...groups.values()]);
  }
}

function canonical(groups: string[][]): string[][] {
  return groups.map((g) => [...g].sort()).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

const idArb = fc.oneof(
  fc.record({ type: fc.constant('user_id'), value: fc.constantFrom('u1', 'u2', 'u3', BLOCKED) }),
  fc.record({ type: fc.constant('email'), value: fc.constantFrom('e1', 'e2', 'e3') }),
  fc.record({ type: fc.constant('device_id'), value: fc.constantFrom('d1', 'd2', 'd3') }),
  fc.record({ type: fc.constant('anonymous_id'), value: fc.constantFrom('a1', 'a2', 'a3', 'a4') }),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant<'observe'>('observe'),
      ids: fc.array(idArb, { minLength: 1, maxLength: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant<'write'>('write'),
      ids: fc.tuple(idArb).map((t) => [...t]),
    }),
  },
);
// Observations go through observeMany in batches of random size: a batch applies in order too.
const scenarioArb = fc.record({
  steps: fc.array(stepArb, { minLength: 1, maxLength: 14 }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 14, maxLength: 14 }),
  unmerge: idArb,
});

describe('identity resolution against a reference union-find (property)', () => {
  let t: TestApp;
  const level = traitSpec({ type: 'number' });

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'identity-rules-'));
    await writeFile(join(dir, 'identity.yaml'), IDENTITY_YAML);
    t = await startTestApp({ traitDefinitionsDir: dir });
    await insertTraitDefinitions(t.db.url, t.db.schema, [level]);
  }, 60_000);
  afterAll(() => t.close());

  // Each run has its own namespace, so runs share the database without meeting.
  async function apply(steps: Step[], batchSizes: number[], ns: string): Promise<void> {
    const named = (i: Id) => ({
      type: i.type,
      value: i.value === BLOCKED ? BLOCKED : `${ns}-${i.value}`,
    });
    let pending: Id[][] = [];
    let b = 0;
    const flush = async () => {
      if (pending.length > 0)
        await t.app
          .get(IdentityResolver)
          .observeMany(pending.map((ids) => ({ identities: ids, cause: { kind: 'test' } })));
      pending = [];
    };
    for (const step of steps) {
      if (step.kind === 'write') {
        await flush();
        await t.app.get(TraitWriter).write({
          rows: [{ identity: named(step.ids[0]), trait: level.name, value: 1 }],
          provenance: { sourceKind: 'api', sourceRef: {}, runId: ns },
        });
        continue;
      }
      pending.push(step.ids.map(named));
      if (pending.length >= batchSizes[b % batchSizes.length]) {
        b += 1;
        await flush();
      }
    }
    await flush();
  }

  async function dbPartition(ns: string): Promise<string[][]> {
    const rows = await sql<{ type: string; value: string; profile_id: string }>(
      t,
      'SELECT type, value, profile_id FROM identity WHERE value LIKE $1',
      [`${ns}-%`],
    );
    const groups = new Map<string, string[]>();
    for (const r of rows)
      groups.set(r.profile_id, [
        ...(groups.get(r.profile_id) ?? []),
        `${r.type}:${r.value.slice(ns.length + 1)}`,
      ]);
    return canonical([...groups.values()]);
  }

  it(
    'ends in the reference partition; unmerging restores the partition of never linking the identity',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ steps, batchSizes, unmerge }) => {
          const ns = randomBytes(5).toString('hex');
          await apply(steps, batchSizes, ns);
          const reference = new Reference();
          for (const s of steps) reference.observe(s.ids);
          expect(await dbPartition(ns)).toEqual(reference.partition());

          const xKey = `${unmerge.type}:${unmerge.value}`;
          const current = reference.partition();
          const mine = current.find((g) => g.includes(xKey));
          if (!mine) return;
          const service = t.app.get(UnmergeService);
          const identity = { type: unmerge.type, value: `${ns}-${unmerge.value}` };
          if (mine.length === 1) {
            await expect(service.unmerge(identity, { kind: 'test' })).rejects.toMatchObject({
              code: 'CONFLICT',
            });
            return;
          }
          await service.unmerge(identity, { kind: 'test' });
          const without = new Reference();
          for (const s of steps)
            without.observe(s.ids.filter((i) => `${i.type}:${i.value}` !== xKey));
          const expected = canonical([...without.partition(), [xKey]]);
          expect(await dbPartition(ns)).toEqual(expected);
        }),
        { numRuns: RUNS },
      );
      const stray = await sql(
        t,
        'SELECT 1 FROM identity i JOIN profile p ON p.id = i.profile_id WHERE p.merged_into IS NOT NULL LIMIT 1',
      );
      expect(stray).toEqual([]);
    },
    Math.max(60_000, RUNS * 1_500),
  );
});
