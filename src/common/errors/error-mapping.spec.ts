import { DomainError, ErrorCode } from './domain-error';
import { ERROR_MAPPING, toPublicError } from './error-mapping';

describe('toPublicError', () => {
  it('maps every domain code to a status and keeps its message and details', () => {
    for (const code of Object.values(ErrorCode)) {
      const pub = toPublicError(new DomainError(code, 'field: rule', { field: 'rule' }));
      expect(pub).toMatchObject({
        status: ERROR_MAPPING[code].status,
        code,
        message: 'field: rule',
        details: { field: 'rule' },
      });
    }
    expect(toPublicError(new DomainError(ErrorCode.TRAIT_NOT_FOUND, 'x')).status).toBe(404);
  });

  it('hides unknown errors behind an id', () => {
    const pub = toPublicError(new Error('relation "secret_table" does not exist'));
    expect(pub.status).toBe(500);
    expect(pub.message).toBe('Internal server error');
    expect(pub.errorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(pub)).not.toContain('secret_table');
  });
});
