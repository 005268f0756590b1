interface CronField {
  label: string;
  min: number;
  max: number;
  names?: readonly string[];
  // The number of the first name: JAN is 1, SUN is 0.
  firstName?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: readonly CronField[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTHS, firstName: 1 },
  // 0 and 7 are both Sunday, as in Vixie cron.
  { label: 'day-of-week', min: 0, max: 7, names: DAYS, firstName: 0 },
];

const PART = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/([0-9]+))?$/;

function valueOf(token: string, field: CronField): number | null {
  if (/^[0-9]+$/.test(token)) return Number(token);
  const index = field.names?.indexOf(token.toUpperCase()) ?? -1;
  return index < 0 ? null : index + (field.firstName ?? 0);
}

function partProblem(part: string, field: CronField): string | null {
  const match = PART.exec(part);
  if (!match) return `"${part}" is not a value, range (a-b), list (a,b) or step (*/n)`;
  const [, range, step] = match;
  if (step !== undefined && (Number(step) < 1 || Number(step) > field.max)) {
    return `step /${step} must be between 1 and ${field.max}`;
  }
  if (range === '*') return null;
  const bounds = range.split('-').map((token) => valueOf(token, field));
  if (bounds.some((b) => b === null)) return `"${range}" is not a number or name`;
  const [from, to = from] = bounds as number[];
  const outside = [from, to].find((b) => b < field.min || b > field.max);
  if (outside !== undefined) return `${outside} is out of range ${field.min}-${field.max}`;
  return from <= to ? null : `range ${range} runs backwards`;
}

// Checks a standard 5-field cron expression; returns what is wrong with it, or null.
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return 'must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "*/30 * * * *"';
  }
  for (const [i, text] of fields.entries()) {
    for (const part of text.split(',')) {
      const problem = partProblem(part, FIELDS[i]);
      if (problem) return `cron ${FIELDS[i].label} field "${text}": ${problem}`;
    }
  }
  return null;
}
