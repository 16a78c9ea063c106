import { normalizeRepositoryUrl, redactRepositoryUrl } from './repository-url';

describe('normalizeRepositoryUrl', () => {
  it.each([
    ['https://github.com/Acme/App.git', 'github.com/acme/app'],
    ['https://github.com/acme/app', 'github.com/acme/app'],
    ['https://github.com/acme/app/', 'github.com/acme/app'],
    ['git@github.com:acme/app.git', 'github.com/acme/app'],
    ['ssh://git@github.com/acme/app.git', 'github.com/acme/app'],
    ['ssh://git@gitlab.example.com:2222/group/sub/app.git', 'gitlab.example.com/group/sub/app'],
    ['https://user:token@GitLab.example.com/group/app.git', 'gitlab.example.com/group/app'],
    ['git://github.com/acme/app.git', 'github.com/acme/app'],
    ['file:///tmp/Repos/App.git', '/tmp/Repos/App'],
    ['/tmp/Repos/App', '/tmp/Repos/App'],
  ])('%s is %s', (url, key) => {
    expect(normalizeRepositoryUrl(url)).toBe(key);
  });

  it('keeps different repositories apart', () => {
    expect(normalizeRepositoryUrl('https://github.com/acme/app')).not.toBe(normalizeRepositoryUrl('https://github.com/acme/app2'));
    expect(normalizeRepositoryUrl('https://github.com/acme/app')).not.toBe(normalizeRepositoryUrl('https://gitlab.com/acme/app'));
  });
});

describe('redactRepositoryUrl', () => {
  it('removes credentials', () => {
    expect(redactRepositoryUrl('https://bot:s3cret@github.com/acme/app.git')).toBe('https://***@github.com/acme/app.git');
    expect(redactRepositoryUrl('https://github.com/acme/app.git')).toBe('https://github.com/acme/app.git');
  });
});
