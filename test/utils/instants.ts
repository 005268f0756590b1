// Instants a test records between steps: the clock read with a few milliseconds of margin on both
// sides, so every write of the previous step was recorded before it and none of the next after.
export async function stamp(marginMs = 5): Promise<Date> {
  await new Promise((r) => setTimeout(r, marginMs));
  const at = new Date();
  await new Promise((r) => setTimeout(r, marginMs));
  return at;
}

export const iso = (d: Date) => d.toISOString();
export const hours = (h: number) => h * 3_600_000;
