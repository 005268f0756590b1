import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIENCE_RULE_SCHEMA } from './rule.schema';

describe('the audience rule JSON Schema', () => {
  it('in docs/ is the one the API serves (audienceRuleSchema)', () => {
    const doc: unknown = JSON.parse(
      readFileSync(join(__dirname, '../../../docs/audience-rule.schema.json'), 'utf8'),
    );
    expect(doc).toEqual(AUDIENCE_RULE_SCHEMA);
  });
});
