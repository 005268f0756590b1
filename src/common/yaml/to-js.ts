import type { Document } from 'yaml';

// doc.toJS() throws on what the parser lets through (an alias to an anchor defined later, an
// alias bomb past maxAliasCount): reported as a YAML issue instead of escaping as a crash.
export function toJSOrIssue(doc: Document, report: (rule: string) => void): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    report(`invalid YAML: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}
