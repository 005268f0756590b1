import type { TraitSpec } from '../../trait-definitions/trait-spec';
import { groupByNotebook, notebookSource } from './notebook-source';

const spec = (
  name: string,
  source: Record<string, unknown>,
  column: string | null = null,
): TraitSpec => ({
  name,
  type: 'number',
  description: null,
  owner: null,
  pii: false,
  exposure: ['admin'],
  freshness: null,
  column,
  values: null,
  source: { kind: 'notebook', ...source },
});

const block = {
  notebook: 'notebooks/churn.ipynb',
  output: { format: 'csv', identity: { column: 'user_id', type: 'user_id' } },
};

describe('notebookSource', () => {
  it('derives the contract with defaults from the traits of one notebook', () => {
    const groups = groupByNotebook([
      spec('churn', block, 'score'),
      spec('ltv_pred', block),
      spec('other', { ...block, notebook: 'x.ipynb' }),
    ]);
    const source = notebookSource(groups.get('notebooks/churn.ipynb')!);
    expect(source).toEqual({
      notebook: 'notebooks/churn.ipynb',
      schedule: null,
      waitsFor: [],
      timeoutSeconds: 900,
      parameters: {},
      output: expect.objectContaining({
        traits: [
          { name: 'churn', column: 'score', type: 'number' },
          { name: 'ltv_pred', column: 'ltv_pred', type: 'number' },
        ],
        modelVersionColumn: 'model_version',
        unknownIdentities: 'create',
        minRows: 1,
        maxRowChange: 0.5,
      }),
    });
  });

  it('rejects reserved or non-Python parameter names and clashing columns', () => {
    expect(() => notebookSource([spec('a', { ...block, parameters: { run_id: 1 } })])).toThrow(
      'injected by the runner',
    );
    expect(() => notebookSource([spec('a', { ...block, parameters: { 'bad-name': 1 } })])).toThrow(
      'Python identifier',
    );
    expect(() => notebookSource([spec('a', block, 'user_id')])).toThrow('used twice');
    expect(() => notebookSource([spec('a', { ...block, timeout: 'soon' })])).toThrow('timeout');
  });
});
