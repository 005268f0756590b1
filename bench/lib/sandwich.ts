import { drift } from './stats';

export interface SandwichOptions<B, M> {
  // Runs the baselines once; `rates` names the figures compared before/after for drift.
  baseline: () => Promise<B>;
  rates: (b: B) => Record<string, number>;
  measure: () => Promise<M>;
  repeats?: number;
  maxDrift?: number;
  // Re-runs of one drifting sandwich at most.
  retries?: number;
  // Re-runs the whole figure may spend (BENCH_RERUNS; default 1 at full size): a sandwich that still
  // drifts once they are spent is flagged, not measured again, so a figure's duration stays bounded.
  reruns?: number;
  log?: (message: string) => void;
}

export interface Sandwich<B, M> {
  before: B;
  measured: M;
  after: B;
  // Largest before/after difference of any baseline, relative to their mean.
  drift: number;
  attempts: number;
  // Still drifting when its re-runs (or the figure's) were spent: its ratio is less trustworthy.
  flagged: boolean;
}

const DEFAULT_RERUNS = 1;

export function rerunBudget(): number {
  if (process.env.BENCH_SMOKE === '1') return 0;
  const raw = process.env.BENCH_RERUNS;
  if (raw === undefined || raw === '') return DEFAULT_RERUNS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`BENCH_RERUNS must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

// The sentence a figure's notes carry about drift.
export function driftNote(runs: Sandwich<unknown, unknown>[]): string {
  const flagged = runs.filter((s) => s.flagged).length;
  const reruns = runs.reduce((n, s) => n + s.attempts - 1, 0);
  const rerun = reruns === 0 ? 'no re-run' : `${reruns} re-run${reruns === 1 ? '' : 's'}`;
  return flagged === 0
    ? `Baselines before and after every measurement agreed within 15% (${rerun}).`
    : `${flagged} of ${runs.length} sandwiches had baselines more than 15% apart after ${rerun} ` +
        `(budget BENCH_RERUNS=${rerunBudget()} per figure): read their ratios with care.`;
}

// baseline → measurement → baseline, repeated: a measurement's ratio to the baselines taken around it
// is what survives a shared machine whose raw speed moves 1.5–2× within the hour. Neighbouring
// sandwiches share their baseline (B M B M B M B). When a sandwich's baselines differ by more than
// maxDrift, it is measured again from its last baseline while both its own re-runs (`retries`) and
// the figure's (`reruns`) last.
export async function sandwiches<B, M>(opts: SandwichOptions<B, M>): Promise<Sandwich<B, M>[]> {
  // BENCH_SMOKE=1 (CI): one sandwich, no re-runs: it only proves the figure runs end to end.
  const smoke = process.env.BENCH_SMOKE === '1';
  const {
    repeats = smoke ? 1 : 3,
    maxDrift = 0.15,
    retries = smoke ? 0 : 2,
    reruns = rerunBudget(),
    log = () => undefined,
  } = opts;
  const out: Sandwich<B, M>[] = [];
  let previous: B | undefined;
  let rerunsLeft = reruns;
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
      if (!flagged || attempt > retries || rerunsLeft === 0) {
        if (flagged && attempt <= retries) log('re-run budget spent: flagged, not measured again');
        out.push({ before, measured, after, drift: worst, attempts: attempt, flagged });
        break;
      }
      rerunsLeft--;
    }
  }
  return out;
}
