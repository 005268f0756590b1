// The notebook both the figure and its measured process name: it writes `rows` scores as CSV.
export const NOTEBOOK = 'test/fixtures/notebooks/writes_rows.ipynb';
