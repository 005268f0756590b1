import { INJECTED_TAG, injectParameters, NotebookJson, pythonLiteral } from './parameters-cell';

const notebook = (tags: string[][]): NotebookJson => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: tags.map((t, i) => ({
    id: `c${i}`,
    cell_type: 'code',
    metadata: { tags: t },
    source: `x${i} = ${i}`,
    outputs: [],
    execution_count: null,
  })),
});

describe('pythonLiteral', () => {
  it('writes JSON values as Python literals', () => {
    expect(pythonLiteral({ a: [1, true, null, 'x"y\n'], b: false })).toBe(
      '{"a": [1, True, None, "x\\"y\\n"], "b": False}',
    );
    expect(pythonLiteral(0.25)).toBe('0.25');
  });

  it('refuses values Python could not read back', () => {
    expect(() => pythonLiteral(Number.NaN)).toThrow('finite');
  });
});

describe('injectParameters', () => {
  it('adds a tagged cell right after the parameters cell', () => {
    const out = injectParameters(notebook([[], ['parameters'], []]), {
      run_id: 'r1',
      lookback_days: 30,
    });
    expect(out.cells).toHaveLength(4);
    expect(out.cells[2].metadata?.tags).toEqual([INJECTED_TAG]);
    expect(out.cells[2].source).toContain('run_id = "r1"\nlookback_days = 30');
    expect(out.cells[2].id).toMatch(/^[0-9a-f]{8}$/);
  });

  it('puts the cell first when no cell is tagged parameters, and replaces an earlier injection', () => {
    const once = injectParameters(notebook([[], []]), { a: 1 });
    const twice = injectParameters(once, { a: 2 });
    expect(twice.cells).toHaveLength(3);
    expect(twice.cells[0].source).toContain('a = 2');
  });
});
