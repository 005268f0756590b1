// BENCH_SCALE scales every dataset: 1 = the sizes in the issues, 0.1 = the smoke run CI may execute.
export function benchScale(): number {
  const raw = process.env.BENCH_SCALE ?? '1';
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 10) {
    throw new Error(`BENCH_SCALE: must be a number in (0, 10], got ${JSON.stringify(raw)}`);
  }
  return scale;
}

export function scaled(size: number, scale = benchScale()): number {
  return Math.max(1, Math.round(size * scale));
}
