const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 } as const;
const DURATION = /^([1-9][0-9]*)([smhdw])$/;
// trait_definition.freshness_seconds is an int4 column.
const MAX_SECONDS = 2_147_483_647;

export const DURATION_RULE = 'must be a duration like 30m, 2h, 2d or 1w (units s, m, h, d, w)';

// "2h" → 7200; null when the text is not a positive duration that fits the column.
export function durationSeconds(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
  return seconds <= MAX_SECONDS ? seconds : null;
}
