import { durationSeconds } from '../../trait-definitions/rules/duration';

// Durations and times of a (valid) rule, read the same way by the SQL compiler and the evaluator.
export function secondsOf(duration: string): number {
  const s = durationSeconds(duration);
  if (s === null) throw new Error(`not a duration: ${duration}`);
  return s;
}

export function msOf(duration: string): number {
  return secondsOf(duration) * 1000;
}

// A rule's ISO-8601 time as an instant (a bare date is midnight UTC).
export function isoOf(text: string): string {
  return new Date(text).toISOString();
}

export function minus(at: Date, duration: string): Date {
  return new Date(at.getTime() - msOf(duration));
}
