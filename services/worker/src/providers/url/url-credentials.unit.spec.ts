import { displayUrl, redactCredentials, splitUrlCredentials } from './url-credentials';

describe('url credentials', () => {
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

  it('keeps an ssh user name readable in messages', () => {
    expect(redactCredentials('Permission denied (git)', 'ssh://git@host/app.git')).toBe('Permission denied (git)');
  });
});
