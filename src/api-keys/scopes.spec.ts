import { keyFromAuthorization } from './credentials';
import { canReadTrait, hasScope, Principal } from './scopes';

const key = (...scopes: Principal['scopes']): Principal => ({ keyId: 'k', name: 'k', scopes });
const ALL_READ = ['profile:read', 'profile:read:pii', 'admin'];

describe('scopes', () => {
  it('admin implies every scope and pii implies read', () => {
    expect(hasScope(key('admin'), 'ingest')).toBe(true);
    expect(hasScope(key('profile:read:pii'), 'profile:read')).toBe(true);
    expect(hasScope(key('profile:read'), 'profile:read:pii')).toBe(false);
    expect(hasScope(key('ingest'), 'profile:read')).toBe(false);
  });

  it('reads PII only with profile:read:pii and never outside the exposure list', () => {
    expect(canReadTrait(key('profile:read'), { pii: true, exposure: ALL_READ })).toBe(false);
    expect(canReadTrait(key('profile:read:pii'), { pii: true, exposure: ALL_READ })).toBe(true);
    expect(canReadTrait(key('profile:read:pii'), { pii: false, exposure: ['admin'] })).toBe(false);
    expect(canReadTrait(key('admin'), { pii: true, exposure: ['admin'] })).toBe(true);
  });
});

describe('keyFromAuthorization', () => {
  it('reads Bearer and Basic (key as username, empty password)', () => {
    expect(keyFromAuthorization('Bearer abc')).toBe('abc');
    expect(keyFromAuthorization(`Basic ${Buffer.from('abc:').toString('base64')}`)).toBe('abc');
    expect(keyFromAuthorization(`basic ${Buffer.from('abc').toString('base64')}`)).toBe('abc');
  });

  it('finds nothing in malformed headers', () => {
    expect(keyFromAuthorization(undefined)).toBeUndefined();
    expect(keyFromAuthorization('Bearer')).toBeUndefined();
    expect(keyFromAuthorization('Token abc')).toBeUndefined();
    expect(keyFromAuthorization(`Basic ${Buffer.from(':pw').toString('base64')}`)).toBeUndefined();
  });
});
