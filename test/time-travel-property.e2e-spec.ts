import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { ManualMergeService } from '../src/identity/merge/manual-merge.service';
import { UnmergeService } from '../src/identity/unmerge/unmerge.service';
import { ProfilesService } from '../src/profiles/profiles.service';
import { TraitWriter } from '../src/traits/trait-writer.service';
import { insertTraitDefinitions, traitSpec } from './factories/trait-definition.factory';
import { stamp } from './utils/instants';
import { startTestApp, TestApp } from './utils/test-app';
import { WRITE_PATHS } from './utils/write-paths';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const POOL = 4;
const VALUES = ['x', 'y', 'z'] as const;

type Op =
  | { kind: 'write'; id: number; value: string; late: boolean; back: number }
  | { kind: 'merge'; into: number; from: number }
  | { kind: 'unmerge'; id: number };

// What a profile answers at a (valid, known) pair: its identities (pool indices) and the value.
type Answer = { identities: number[]; value: string | null } | null;

interface Rev {
  seq: number;
  identity: number;
  value: string;
  validFrom: number;
  step: number;
  marker: boolean;
}

interface Group {
  members: Set<number>;
  cur: Rev | null;
  last: number | null;
}

const later = (a: Rev, b: Rev) =>
  a.validFrom > b.validFrom || (a.validFrom === b.validFrom && a.seq > b.seq);
const latest = (revs: Rev[]) =>
  revs.reduce<Rev | null>((best, r) => (!best || later(r, best) ? r : best), null);

// An independent reference written from docs/trait-store.md, docs/identity.md and
// docs/time-travel.md, not from the SQL. Time is symbolic: instant k_i (recorded after step i) is
// 2i and the "now" of step s is 2s − 1. A step's facts (revisions, identities, moves) are recorded
// between k_{s−1} and k_s, and moves take effect when recorded.
class Reference {
  private created = new Map<number, number>();
  private groupOf = new Map<number, Group>();
  private revs: Rev[] = [];
  private links: [number, number][] = [];
  private snapshots: Map<number, number[]>[] = [new Map()];

  private live(members: Set<number>): Rev[] {
    return this.revs.filter((r) => members.has(r.identity) && !r.marker);
  }

  private add(
    step: number,
    identity: number,
    value: string,
    validFrom: number,
    marker: boolean,
  ): Rev {
    const rev = { seq: this.revs.length, identity, value, validFrom, step, marker };
    this.revs.push(rev);
    return rev;
  }

  knows(id: number): boolean {
    return this.created.has(id);
  }

  sameProfile(a: number, b: number): boolean {
    return this.groupOf.get(a) === this.groupOf.get(b);
  }

  alone(id: number): boolean {
    return this.groupOf.get(id)!.members.size === 1;
  }

  // The write path: fresh observations change or confirm the current value; late ones go into
  // history (same value: nothing; a different value at the same instant: rejected; inside the
  // confirmed span of the current value: a zero-length marker; before it: a revision).
  write(step: number, id: number, value: string, t: number): void {
    if (!this.created.has(id)) {
      this.created.set(id, step);
      this.groupOf.set(id, { members: new Set([id]), cur: null, last: null });
    }
    const g = this.groupOf.get(id)!;
    if (!g.cur || t > g.last!) {
      if (!g.cur || g.cur.value !== value) g.cur = this.add(step, id, value, t, false);
      g.last = t;
      return;
    }
    if (t >= g.cur.validFrom && value === g.cur.value) return;
    const pred = latest(this.live(g.members).filter((r) => r.validFrom <= t));
    if (pred && pred.value === value) return;
    if (pred && pred.validFrom === t) return;
    this.add(step, id, value, t, t >= g.cur.validFrom);
  }

  // The current value is the latest live revision; it keeps its last observation when it was
  // already current before, else its own start.
  private rebuilt(members: Set<number>, before: Group[]): Group {
    const cur = latest(this.live(members));
    const was = before.find((b) => b.cur && cur && b.cur.seq === cur.seq);
    return { members, cur, last: cur ? (was ? was.last : cur.validFrom) : null };
  }

  merge(into: number, from: number): void {
    const [a, b] = [this.groupOf.get(into)!, this.groupOf.get(from)!];
    const g = this.rebuilt(new Set([...a.members, ...b.members]), [a, b]);
    for (const m of g.members) this.groupOf.set(m, g);
    this.links.push([into, from]);
  }

  // Links holding the identity go; the rest of its profile splits into what the other links join.
  unmerge(x: number): void {
    const old = this.groupOf.get(x)!;
    this.links = this.links.filter(([a, b]) => a !== x && b !== x);
    const rest = [...old.members].filter((m) => m !== x);
    const parent = new Map(rest.map((m) => [m, m]));
    const find = (m: number): number => (parent.get(m) === m ? m : find(parent.get(m)!));
    for (const [a, b] of this.links)
      if (parent.has(a) && parent.has(b)) parent.set(find(a), find(b));
    const groups = new Map<number, Set<number>>();
    for (const m of rest) groups.set(find(m), new Set([...(groups.get(find(m)) ?? []), m]));
    for (const members of [...groups.values(), new Set([x])]) {
      const g = this.rebuilt(members, [old]);
      for (const m of members) this.groupOf.set(m, g);
    }
  }

  snapshot(): void {
    this.snapshots.push(new Map([...this.groupOf].map(([id, g]) => [id, [...g.members].sort()])));
  }

  // As of k_i, known at k_j: the identity graph of step min(i, j); an identity recorded later but
  // by k_j is on its first profile, alone (every identity here is first seen by a write).
  answer(id: number, i: number, j: number): Answer {
    const c = this.created.get(id);
    if (c === undefined || c > j) return null;
    const m = Math.min(i, j);
    const identities = c > m ? [id] : this.snapshots[m].get(id)!;
    const known = this.revs.filter(
      (r) => identities.includes(r.identity) && r.step <= j && r.validFrom <= 2 * i && !r.marker,
    );
    return { identities, value: latest(known)?.value ?? null };
  }

  current(id: number): string | null {
    return this.groupOf.get(id)?.cur?.value ?? null;
  }
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant<'write'>('write'),
      id: fc.nat(POOL - 1),
      value: fc.constantFrom(...VALUES),
      late: fc.boolean(),
      back: fc.nat(20),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant<'merge'>('merge'),
      into: fc.nat(POOL - 1),
      from: fc.nat(POOL - 1),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant<'unmerge'>('unmerge'), id: fc.nat(POOL - 1) }),
  },
);

describe.each(WRITE_PATHS)('time travel against a reference model (property) ($path)', ({ config }) => {
  let t: TestApp;
  const trait = traitSpec({ type: 'string' });

  beforeAll(async () => {
    t = await startTestApp(config);
    await insertTraitDefinitions(t.db.url, t.db.schema, [trait]);
  }, 60_000);
  afterAll(() => t.close());

  it(
    'answers every (valid, known) pair of recorded instants as the reference does, and the same again later',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 9 }), async (ops) => {
          const ns = randomBytes(5).toString('hex');
          const identity = (i: number) => ({ type: 'anonymous_id', value: `${ns}-a${i}` });
          const reference = new Reference();
          const instants = [await stamp()];
          const profiles = t.app.get(ProfilesService);

          const read = async (id: number, i: number, j: number): Promise<Answer> => {
            const { type, value } = identity(id);
            const ref = await profiles.findByIdentity(type, value, instants[i], instants[j]);
            if (!ref) return null;
            const stored = await profiles.storedValues(ref);
            return {
              identities: (ref.members ?? [])
                .map((m) => Number(m.value.slice(ns.length + 2)))
                .sort(),
              value: (stored[0]?.value as string | undefined) ?? null,
            };
          };
          // Every pair of the instants recorded so far, under every identity of the pool.
          const readAll = async () => {
            const out = new Map<string, Answer>();
            for (let id = 0; id < POOL; id++)
              for (let i = 0; i < instants.length; i++)
                for (let j = 0; j < instants.length; j++)
                  out.set(`${id} ${i} ${j}`, await read(id, i, j));
            return out;
          };
          const expectReference = (answers: Map<string, Answer>) => {
            for (const [key, answer] of answers) {
              const [id, i, j] = key.split(' ').map(Number);
              expect({ key, answer }).toEqual({ key, answer: reference.answer(id, i, j) });
            }
          };

          let midway: Map<string, Answer> | undefined;
          for (const [n, op] of ops.entries()) {
            const step = n + 1;
            if (op.kind === 'write') {
              const back = op.back % step;
              const observedAt = op.late ? instants[back] : new Date();
              await t.app.get(TraitWriter).write({
                rows: [
                  { identity: identity(op.id), trait: trait.name, value: op.value, observedAt },
                ],
                provenance: { sourceKind: 'api', sourceRef: {}, runId: ns },
              });
              reference.write(step, op.id, op.value, op.late ? 2 * back : 2 * step - 1);
            } else if (op.kind === 'merge') {
              if (
                reference.knows(op.into) &&
                reference.knows(op.from) &&
                !reference.sameProfile(op.into, op.from)
              ) {
                await t.app
                  .get(ManualMergeService)
                  .merge(identity(op.into), identity(op.from), false, { kind: 'test' });
                reference.merge(op.into, op.from);
              }
            } else if (reference.knows(op.id)) {
              const unmerge = t.app.get(UnmergeService).unmerge(identity(op.id), { kind: 'test' });
              if (reference.alone(op.id))
                await expect(unmerge).rejects.toMatchObject({ code: 'CONFLICT' });
              else {
                await unmerge;
                reference.unmerge(op.id);
              }
            }
            reference.snapshot();
            instants.push(await stamp());
            if (step === Math.ceil(ops.length / 2)) {
              midway = await readAll();
              expectReference(midway);
            }
          }
          const final = await readAll();
          expectReference(final);
          for (const [key, answer] of midway ?? [])
            expect({ key, answer: final.get(key) }).toEqual({ key, answer });
          for (let id = 0; id < POOL; id++) {
            const now = await profiles.findByIdentity(identity(id).type, identity(id).value);
            const value = now ? ((await profiles.storedValues(now))[0]?.value ?? null) : null;
            expect({ id, value }).toEqual({ id, value: reference.current(id) });
          }
        }),
        { numRuns: RUNS },
      );
    },
    Math.max(120_000, RUNS * 6_000),
  );
});
