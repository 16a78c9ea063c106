import { gitCredentialEnvironment, operatorCredentialsFor, type GitHostCredentials } from './git-credential-environment';

const operator: GitHostCredentials = { username: 'sluice-bot', password: 'operator-pw', hosts: ['git.example.com', 'git.internal.test:8443'] };
const base = { PATH: '/usr/bin', HOME: '/home/worker' };

describe('operatorCredentialsFor', () => {
  it.each([
    ['a listed host', 'https://git.example.com/org/app.git'],
    ['a listed host, any case', 'https://GIT.Example.com/org/app.git'],
    ['a listed host at its default port written out', 'https://git.example.com:443/org/app.git'],
    ['a listed host:port', 'https://git.internal.test:8443/app.git'],
    ['plain http to a listed host', 'http://git.example.com/org/app.git'],
  ])('are given for %s', (_label, url) => {
    expect(operatorCredentialsFor(url, operator)).toEqual({ username: 'sluice-bot', password: 'operator-pw' });
  });

  it.each([
    ['another host', 'https://github.com/org/app.git'],
    ['a host that merely ends like a listed one', 'https://evil-git.example.com/org/app.git'],
    ['a subdomain of a listed host', 'https://a.git.example.com/org/app.git'],
    ['a host whose name starts like a listed one', 'https://git.example.com.evil.test/org/app.git'],
    ['a listed host at another port', 'https://git.example.com:8443/org/app.git'],
    ['a listed host:port at the default port', 'https://git.internal.test/app.git'],
    ['a URL with credentials of its own', 'https://someone:theirs@git.example.com/org/app.git'],
    ['a URL with a user name of its own', 'https://someone@git.example.com/org/app.git'],
    ['an ssh URL', 'ssh://git@git.example.com/org/app.git'],
    ['an scp-like URL', 'git@git.example.com:org/app.git'],
    ['a local path', '/srv/git/git.example.com/app.git'],
    ['a file URL', 'file:///srv/git/app.git'],
  ])('are not given for %s', (_label, url) => {
    expect(operatorCredentialsFor(url, operator)).toBeUndefined();
  });

  it('are not given when the operator has none', () => {
    expect(operatorCredentialsFor('https://git.example.com/org/app.git', undefined)).toBeUndefined();
  });
});

describe('gitCredentialEnvironment', () => {
  it("hands the operator's credentials to a helper for a listed host only, outside argv", () => {
    const env = gitCredentialEnvironment(base, 'https://git.example.com/org/app.git', operator);
    expect(env).toMatchObject({
      ...base,
      SLUICE_GIT_USERNAME: 'sluice-bot',
      SLUICE_GIT_PASSWORD: 'operator-pw',
      SLUICE_GIT_CREDENTIAL_PROTOCOL: 'https',
      SLUICE_GIT_CREDENTIAL_HOST: 'git.example.com',
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'credential.helper',
      GIT_CONFIG_VALUE_0: '',
      GIT_CONFIG_KEY_1: 'credential.helper',
    });
    // The helper reads the secrets from the environment: they are not in the configuration git may print.
    expect(env.GIT_CONFIG_VALUE_1).not.toContain('operator-pw');
  });

  it('gives a URL to a host that is not listed no credentials at all', () => {
    const env = gitCredentialEnvironment(base, 'https://github.com/org/app.git', operator);
    expect(env).toEqual(base);
  });

  it("prefers the URL's own credentials, for the URL's host, and never adds the operator's", () => {
    const env = gitCredentialEnvironment(base, 'https://own:own-token@git.example.com:8443/app.git', operator);
    expect(env).toMatchObject({ SLUICE_GIT_USERNAME: 'own', SLUICE_GIT_PASSWORD: 'own-token', SLUICE_GIT_CREDENTIAL_HOST: 'git.example.com:8443' });
    expect(JSON.stringify(env)).not.toContain('operator-pw');
  });

  it('drops inherited variables that would hand git other credentials or configuration', () => {
    const inherited = { ...base, SLUICE_GIT_USERNAME: 'sluice-bot', SLUICE_GIT_PASSWORD: 'operator-pw', SLUICE_GIT_CREDENTIAL_HOSTS: 'git.example.com', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: 'store', GIT_CONFIG_PARAMETERS: "'http.proxy'='x'" };
    expect(gitCredentialEnvironment(inherited, 'https://github.com/org/app.git', operator)).toEqual(base);
  });
});
