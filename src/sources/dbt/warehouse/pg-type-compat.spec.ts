import {
  columnKind,
  cursorProblem,
  identityProblem,
  traitTypeProblem,
  WarehouseColumn,
} from './pg-type-compat';

const col = (typname: string, category: string, type = typname): WarehouseColumn => ({
  name: 'c',
  type,
  typname,
  category,
});

describe('pg type compatibility', () => {
  it('maps catalogue types to how they are read', () => {
    expect(columnKind(col('int8', 'N'))).toBe('number');
    expect(columnKind(col('numeric', 'N'))).toBe('number');
    expect(columnKind(col('money', 'N'))).toBeNull();
    expect(columnKind(col('bool', 'B'))).toBe('boolean');
    expect(columnKind(col('timestamptz', 'D'))).toBe('timestamp');
    expect(columnKind(col('date', 'D'))).toBe('date');
    expect(columnKind(col('interval', 'T'))).toBeNull();
    expect(columnKind(col('jsonb', 'U'))).toBe('json');
    expect(columnKind(col('uuid', 'U'))).toBe('text');
    expect(columnKind(col('mood', 'E'))).toBe('text');
    expect(columnKind(col('_int4', 'A'))).toBeNull();
  });

  it('accepts fitting columns and names the mismatch otherwise', () => {
    expect(traitTypeProblem(col('numeric', 'N'), 'number')).toBeNull();
    expect(traitTypeProblem(col('date', 'D'), 'timestamp')).toBeNull();
    expect(traitTypeProblem(col('varchar', 'S', 'character varying(20)'), 'category')).toBeNull();
    expect(traitTypeProblem(col('text', 'S'), 'number')).toBe(
      'column c is text, which does not fit a number trait',
    );
    expect(traitTypeProblem(col('int4', 'N', 'integer'), 'string')).toBe(
      'column c is integer, which does not fit a string trait',
    );
    expect(traitTypeProblem(col('text', 'S'), 'json')).not.toBeNull();
  });

  it('checks identity and cursor columns', () => {
    expect(identityProblem(col('int8', 'N'))).toBeNull();
    expect(identityProblem(col('jsonb', 'U'))).toMatch(/identity column c is jsonb/);
    expect(cursorProblem(col('timestamp', 'D'))).toBeNull();
    expect(cursorProblem(col('int8', 'N'))).toBeNull();
    expect(cursorProblem(col('text', 'S'))).toMatch(/cursor column c is text/);
  });
});
