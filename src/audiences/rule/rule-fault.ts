import { DomainError, ErrorCode } from '../../common/errors/domain-error';

// One thing wrong with a rule: where (a JSON pointer into the rule, "" for the whole rule) and
// which rule of the language it breaks.
export interface RuleFault {
  pointer: string;
  rule: string;
}

export function pointerOf(path: readonly (string | number)[]): string {
  return path.map((seg) => `/${String(seg).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

// The API's error for a rule that cannot be saved or previewed: the message names the first
// fault; details map every faulty pointer to its rule (under `rule`, the argument's name).
export function invalidRuleError(faults: readonly RuleFault[], field = 'rule'): DomainError {
  const first = faults[0];
  const details = Object.fromEntries(faults.map((f) => [`${field}${f.pointer}`, f.rule]));
  const at = first.pointer === '' ? field : `${field}${first.pointer}`;
  const more = faults.length > 1 ? ` (and ${faults.length - 1} more)` : '';
  return new DomainError(ErrorCode.INVALID_INPUT, `${at}: ${first.rule}${more}`, details);
}
