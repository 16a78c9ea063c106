import { internalSecretProblem, INTERNAL_SECRET_HEADER } from './internal-secret';

describe('internalSecretProblem', () => {
  it('lets everything through when no secret is configured (direct subgraph tests)', () => {
    expect(internalSecretProblem({}, undefined)).toBeUndefined();
    expect(internalSecretProblem({}, '')).toBeUndefined();
  });

  it('requires the configured secret, exactly', () => {
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: 's3cret' }, 's3cret')).toBeUndefined();
    expect(internalSecretProblem({}, 's3cret')).toMatch(/through the gateway only: the x-sluice-internal-secret header is missing/);
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: 's3cre' }, 's3cret')).toMatch(/header is wrong/);
    expect(internalSecretProblem({ [INTERNAL_SECRET_HEADER]: 's3creT' }, 's3cret')).toMatch(/header is wrong/);
  });
});
