import { CronExpressionParser } from 'cron-parser';

const LABELS = ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'];
const SECONDS_LABELS = ['second', ...LABELS];
const FIVE_FIELDS =
  'must be a 5-field cron expression (minute hour day-of-month month day-of-week), e.g. "*/30 * * * *"';

// What BullMQ's job schedulers will make of the expression: they parse it with cron-parser, so
// the same parser checks it here. Returns what is wrong, naming the field, or null.
export function cronProblem(expression: string, allowSeconds = false): string | null {
  const fields = expression.trim().split(/\s+/);
  const labels = fields.length === 6 && allowSeconds ? SECONDS_LABELS : LABELS;
  if (fields.length !== labels.length) return FIVE_FIELDS;
  const whole = parseProblem(fields.join(' '));
  if (whole === null) return null;
  // Which field: each one alone, the others left at *.
  for (const [i, text] of fields.entries()) {
    const alone = labels.map((_, j) => (j === i ? text : '*')).join(' ');
    const problem = parseProblem(alone);
    if (problem) return `cron ${labels[i]} field "${text}": ${problem}`;
  }
  return `cron expression "${expression}": ${whole}`;
}

function parseProblem(expression: string): string | null {
  try {
    CronExpressionParser.parse(expression, { tz: 'UTC' });
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
