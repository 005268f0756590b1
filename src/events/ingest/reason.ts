// Why a message was rejected: where (a JSON pointer into the message) and which rule it broke.
// `keyword` is a short, stable name of the rule, used as a metric label.
export interface Reason {
  pointer: string;
  rule: string;
  keyword: string;
}

export function reason(pointer: string, keyword: string, rule: string): Reason {
  return { pointer, rule, keyword };
}
