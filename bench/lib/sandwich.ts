import { drift } from './stats';

export interface SandwichOptions<B, M> {
  // Runs the baselines once; `rates` names the figures compared before/after for drift.
  baseline: () => Promise<B>;
  rates: (b: B) => Record<string, number>;
  measure: () => Promise<M>;
  repeats?: number;
  maxDrift?: number;
  retries?: number;
  log?: (message: string) => void;
}

export interface Sandwich<B, M> {
  before: B;
  measured: M;
  after: B;
  // Largest before/after difference of any baseline, relative to their mean.
  drift: number;
  attempts: number;
  // Still drifting after every retry: the ratio of this sandwich is less trustworthy.
  flagged: boolean;
}

// baseline → measurement → baseline, repeated: a measurement's ratio to the baselines taken around it
// is what survives a shared machine whose raw speed moves 1.5–2× within the hour. Neighbouring
// sandwiches share their baseline (B M B M B M B). When a sandwich's baselines differ by more than
// maxDrift, it is measured again (up to `retries` times) from its last baseline.
export async function sandwiches<B, M>(opts: SandwichOptions<B, M>): Promise<Sandwich<B, M>[]> {
  // BENCH_SMOKE=1 (CI): one sandwich, no re-runs: it only proves the figure runs end to end.
  const smoke = process.env.BENCH_SMOKE === '1';
  const {
    repeats = smoke ? 1 : 3,
    maxDrift = 0.15,
    retries = smoke ? 0 : 2,
    log = () => undefined,
  } = opts;
  const out: Sandwich<B, M>[] = [];
  let previous: B | undefined;
  for (let i = 0; i < repeats; i++) {
    for (let attempt = 1; ; attempt++) {
      const before = previous ?? (await opts.baseline());
      const measured = await opts.measure();
      const after = await opts.baseline();
      previous = after;
      const a = opts.rates(before);
      const b = opts.rates(after);
      const worst = Math.max(...Object.keys(a).map((k) => drift(a[k], b[k])));
      const flagged = worst > maxDrift;
      log(
        `sandwich ${i + 1}/${repeats} attempt ${attempt}: baseline drift ${(worst * 100).toFixed(1)}%`,
      );
      if (!flagged || attempt > retries) {
        out.push({ before, measured, after, drift: worst, attempts: attempt, flagged });
        break;
      }
    }
  }
  return out;
}
