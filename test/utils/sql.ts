import { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

// Reads the test schema directly, to assert on what was really committed.
export async function sql<T = Record<string, unknown>>(t: TestApp, text: string, params: unknown[] = []): Promise<T[]> {
  return t.app.get(DataSource).query(text, params);
}

export async function count(t: TestApp, text: string, params: unknown[] = []): Promise<number> {
  const [row] = await sql<{ n: string }>(t, text, params);
  return Number(row.n);
}
