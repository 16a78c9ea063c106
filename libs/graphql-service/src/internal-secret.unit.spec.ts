import { internalSecretConfigProblem, internalSecretProblem, INTERNAL_SECRET_HEADER, InternalSecretConfigError, requireInternalSecret } from './internal-secret';

const SECRET = 's3cret-'.padEnd(32, 'x');

describe('internalSecretProblem', () => {
  it('refuses everything when no usable secret is configured (fail closed)', () => {
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: '' }, undefined)).toMatch(/refuses every request: SLUICE_INTERNAL_SECRET is not set/);
    expect(internalSecretProblem({}, '')).toMatch(/refuses every request/);
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: 'short' }, 'short')).toMatch(/refuses every request: SLUICE_INTERNAL_SECRET is 5 bytes long; it must be at least 32/);
  });

  it('requires the configured secret, exactly', () => {
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: SECRET }, SECRET)).toBeUndefined();
    expect(internalSecretProblem({}, SECRET)).toMatch(/through the gateway only: the x-sluice-internal-secret header is missing/);
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: SECRET.slice(1) }, SECRET)).toMatch(/header is wrong/);
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: SECRET.toUpperCase() }, SECRET)).toMatch(/header is wrong/);
  });
});

describe('requireInternalSecret', () => {
  it('refuses an unset, blank or short secret, naming the variable and the length', () => {
    expect(() => requireInternalSecret({})).toThrow(InternalSecretConfigError);
    expect(() => requireInternalSecret({ SLUICE_INTERNAL_SECRET: '   ' })).toThrow(/SLUICE_INTERNAL_SECRET is not set/);
    expect(() => requireInternalSecret({ SLUICE_INTERNAL_SECRET: 'x'.repeat(31) })).toThrow(/31 bytes long; it must be at least 32/);
    expect(internalSecretConfigProblem('é'.repeat(16))).toBeUndefined(); // 32 bytes in UTF-8
  });

  it('returns a secret of 32 bytes or more', () => {
    expect(requireInternalSecret({ SLUICE_INTERNAL_SECRET: SECRET })).toBe(SECRET);
  });
});
