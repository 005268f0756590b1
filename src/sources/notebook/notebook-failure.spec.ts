import { describeFailure } from './notebook-failure';
import { injectParameters, NotebookJson } from './parameters-cell';

const nb: NotebookJson = {
  nbformat: 4,
  nbformat_minor: 4,
  metadata: {},
  cells: [
    { cell_type: 'markdown', source: '# title' },
    { cell_type: 'code', metadata: { tags: ['parameters'] }, source: 'x = 1' },
    { cell_type: 'code', source: ['y = 2\n', 'raise ValueError("boom")'] },
  ],
};

describe('describeFailure', () => {
  it('finds the failing cell (as written, the injected cell not counted) and the error line', () => {
    const stderr =
      'Traceback...\nAn error occurred while executing the following cell:\n------------------\n' +
      'y = 2\nraise ValueError("boom")\n------------------\n\n\u001b[0;31mValueError\u001b[0m: boom\nValueError: boom\n';
    const failure = describeFailure(stderr, injectParameters(nb, { run_id: 'r' }));
    expect(failure.cell).toBe(3);
    expect(failure.error).toBe('ValueError: boom');
    expect(failure.tail).not.toContain('\u001b');
  });

  it('has no cell when the process failed outside a cell', () => {
    expect(describeFailure('nbclient.exceptions.DeadKernelError: Kernel died\n', nb)).toEqual(
      expect.objectContaining({
        cell: null,
        error: 'nbclient.exceptions.DeadKernelError: Kernel died',
      }),
    );
  });
});
