import { round, spread } from './stats';
// The one JSON line each bench script prints, and what bench/RESULTS.md is rendered from.

export interface BaselinePair {
  name: string;
  unit: string;
  // Medians over the sandwiches of the baseline run before and after the measurement.
  before: number;
  after: number;
}

export interface Measure {
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  baselines?: BaselinePair[];
  ratio?: { to: string; median: number; min: number; max: number };
  target?: string;
  met?: boolean | null;
}

export type DetailRow = Record<string, string | number | boolean | null>;

export interface FigureResult {
  figure: string;
  title: string;
  scale: number;
  dataset: string;
  conditions: string[];
  measures: Measure[];
  notes: string[];
  details?: { title: string; rows: DetailRow[] };
}

export function printFigure(result: FigureResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// A figure's measure from its per-sandwich values: median with min–max.
export function measure(
  name: string,
  unit: string,
  values: number[],
  extra: Partial<Measure> = {},
): Measure {
  return { name, unit, ...spread(values.map((v) => round(v, 3))), ...extra };
}

// A ratio to a baseline, from its per-sandwich values.
export function ratioTo(to: string, values: number[]): Measure['ratio'] {
  const s = spread(values);
  return { to, median: round(s.median), min: round(s.min), max: round(s.max) };
}
