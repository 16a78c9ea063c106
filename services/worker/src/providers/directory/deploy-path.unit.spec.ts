import { ProviderFailure } from '../provider-failure';
import { deployPath } from './deploy-path';

describe('deployPath', () => {
  const roots = ['/srv'];

  it('normalises an absolute path', () => {
    expect(deployPath('/srv//www/site/', roots)).toBe('/srv/www/site');
    expect(deployPath('/srv/./www', roots)).toBe('/srv/www');
  });

  it.each([
    ['relative/site', 'must be absolute'],
    ['/srv/www/../../etc', 'must not contain ".."'],
    ['/srv/..', 'must not contain ".."'],
    ['/', 'must not be the root folder'],
    ['/srv/a\0b', 'contains a NUL character'],
  ])('refuses %j (%s)', (raw, why) => {
    expect(() => deployPath(raw, roots)).toThrow(new ProviderFailure(`Path ${JSON.stringify(raw)} ${why}`, 'ConfigurationError'));
  });

  it.each([[undefined], [[]]])('refuses every path when no root is configured (%j), naming the setting', (none) => {
    expect(() => deployPath('/srv/www', none)).toThrow(
      new ProviderFailure('Directory deploys are turned off on this worker: no folder is allowed to deploy to (SLUICE_DEPLOY_ROOTS lists them)', 'ConfigurationError'),
    );
  });
});
