import { displayUrl, hasUrlCredentials, redactCredentials, redactUrlCredentials, splitUrlCredentials } from './url-credentials';

describe('redactUrlCredentials', () => {
  it.each([
    ['user and password', 'https://bot:s3cr3t@git.example.com/org/repo.git', 'https://***@git.example.com/org/repo.git'],
    ['a user (or token) without password', 'https://ghp_abcdef123456@github.com/a/b.git', 'https://***@github.com/a/b.git'],
    ['percent-encoded userinfo', 'https://deploy%2Dbot:s%40cret%3Atoken@git.example.com:8443/app.git', 'https://***@git.example.com:8443/app.git'],
    ['a raw @ in the password, up to the last @ of the authority', 'https://bot:p@ss@word@git.example.com/app.git', 'https://***@git.example.com/app.git'],
    ['an empty user name', 'https://:token-only@git.example.com/app.git', 'https://***@git.example.com/app.git'],
    ['any scheme', 'ssh://git:pw@host/app.git and svn+ssh://me@host/r', 'ssh://***@host/app.git and svn+ssh://***@host/r'],
    ['an upper-case scheme', 'HTTPS://bot:tok@HOST/app', 'HTTPS://***@HOST/app'],
    ['a URL ending at its host', 'https://bot:tok@host', 'https://***@host'],
    ['a URL with a query and no path', 'https://bot:tok@host?x=1', 'https://***@host?x=1'],
  ])('replaces %s by ***', (_label, text, expected) => {
    expect(redactUrlCredentials(text)).toBe(expected);
  });

  it('redacts every URL of a text, leaving the rest as it is', () => {
    const text = `fatal: unable to access 'https://a:one@h1/x.git/': then "http://b:two@h2:8080/y" and https://h3/z (no credentials)`;
    expect(redactUrlCredentials(text)).toBe(`fatal: unable to access 'https://***@h1/x.git/': then "http://***@h2:8080/y" and https://h3/z (no credentials)`);
  });

  it('redacts URLs inside JSON text without swallowing the next value', () => {
    const json = JSON.stringify({ RepositoryUrl: 'https://bot:s3cr3t@git.example.com/a.git', Plain: 'https://git.example.com/b', Email: 'ada@example.com' });
    expect(redactUrlCredentials(json)).toBe(JSON.stringify({ RepositoryUrl: 'https://***@git.example.com/a.git', Plain: 'https://git.example.com/b', Email: 'ada@example.com' }));
  });

  it.each([
    ['an scp-like ssh URL', 'git@github.com:org/repo.git'],
    ['an e-mail address', 'write to a@b or ada.lovelace@example.com'],
    ['a mailto link', 'mailto:ada@example.com'],
    ['an @ in the path', 'https://registry.example.com/@scope/pkg and https://host/x@y'],
    ['an @ after a URL without credentials', 'see https://host/docs, mail ops@host'],
    ['a URL without credentials then an address', 'https://host ops@host'],
    ['an already redacted URL', 'https://***@git.example.com/a.git'],
    ['a local path', '/srv/git/app.git'],
  ])('leaves %s alone', (_label, text) => {
    expect(redactUrlCredentials(text)).toBe(text);
    expect(hasUrlCredentials(text)).toBe(false);
  });
});

describe('splitUrlCredentials', () => {
  it('splits user and token out of an https URL', () => {
    expect(splitUrlCredentials('https://bot:s%40cret-token@git.example.com/team/app.git')).toEqual({
      url: 'https://git.example.com/team/app.git',
      username: 'bot',
      password: 's@cret-token',
    });
  });

  it.each(['git@github.com:team/app.git', 'ssh://git@host/app.git', '/srv/git/app', 'file:///srv/git/app'])('leaves %s alone', (url) => {
    expect(splitUrlCredentials(url)).toEqual({ url, username: '', password: '' });
  });
});

describe('redactCredentials (a tool echoing a URL and its secrets)', () => {
  it('redacts the userinfo and the secrets wherever they appear', () => {
    const url = 'https://deploy-bot:s%40cret-token@git.example.com/app.git';
    const text = `fatal: unable to access 'https://deploy-bot:s%40cret-token@git.example.com/app.git/': auth s@cret-token failed for deploy-bot`;
    const redacted = redactCredentials(text, url);
    expect(redacted).not.toMatch(/cret-token|deploy-bot/);
    expect(redacted).toContain('https://***@git.example.com/app.git/');
  });

  it('redacts a token given as the user name', () => {
    expect(displayUrl('https://ghp_abcdef123456@github.com/a/b.git')).toBe('https://***@github.com/a/b.git');
    expect(redactCredentials('token ghp_abcdef123456 refused', 'https://ghp_abcdef123456@github.com/a/b.git')).toBe('token *** refused');
  });

  it('redacts all of a password holding a raw @', () => {
    expect(redactCredentials('tried p@ssw0rd-long', 'https://bot:p@ssw0rd-long@host/a.git')).toBe('tried ***');
  });

  it('keeps an ssh user name readable in messages', () => {
    expect(redactCredentials('Permission denied (git)', 'ssh://git@host/app.git')).toBe('Permission denied (git)');
  });
});
