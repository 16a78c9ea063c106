import { ProviderFailure } from '../provider-failure';
import { deployPath } from './deploy-path';

describe('deployPath', () => {
  it('normalises an absolute path', () => {
    expect(deployPath('/srv//www/site/', undefined)).toBe('/srv/www/site');
    expect(deployPath('/srv/./www', undefined)).toBe('/srv/www');
  });

  it.each([
    ['relative/site', 'must be absolute'],
    ['/srv/www/../../etc', 'must not contain ".."'],
    ['/srv/..', 'must not contain ".."'],
    ['/', 'must not be the root folder'],
    ['/srv/a\0b', 'contains a NUL character'],
  ])('refuses %j (%s)', (raw, why) => {
    expect(() => deployPath(raw, undefined)).toThrow(new ProviderFailure(`Path ${JSON.stringify(raw)} ${why}`, 'ConfigurationError'));
  });

  it('keeps deploys under the allowed roots, not in a sibling sharing the prefix', () => {
    expect(deployPath('/srv/www/site', ['/srv/www/'])).toBe('/srv/www/site');
    expect(deployPath('/srv/www', ['/srv/www'])).toBe('/srv/www');
    expect(() => deployPath('/srv/www-evil/site', ['/srv/www'])).toThrow(/outside the folders this worker deploys to \(\/srv\/www\)/);
  });
});
