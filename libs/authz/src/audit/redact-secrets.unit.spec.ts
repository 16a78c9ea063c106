import type { JsonValue } from './canonical-json';
import { canonicalJson } from './canonical-json';
import { redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it.each<[string, JsonValue, JsonValue]>([
    ['a token', { token: 'abc', name: 'ci' }, { token: '***', name: 'ci' }],
    ['a password, any case and separator', { Password: 'p', db_password: 'p', 'X-Api-Key': 'k' }, { Password: '***', db_password: '***', 'X-Api-Key': '***' }],
    ['CodePipeline\'s OAuthToken, nested in configuration', { pipeline: { stages: [{ actions: [{ configuration: { Owner: 'me', OAuthToken: 'ghp_x' } }] }] } }, { pipeline: { stages: [{ actions: [{ configuration: { Owner: 'me', OAuthToken: '***' } }] }] } }],
    ['an authorization header', { headers: { Authorization: 'Bearer abc', Accept: 'json' } }, { headers: { Authorization: '***', Accept: 'json' } }],
    ['a client secret holding an object', { clientSecret: { value: 's', rotated: true } }, { clientSecret: '***' }],
    ['secret environment variables given as name/value pairs', { env: [{ name: 'DB_PASSWORD', value: 'p' }, { name: 'REGION', value: 'eu' }] }, { env: [{ name: 'DB_PASSWORD', value: '***' }, { name: 'REGION', value: 'eu' }] }],
    ['nothing when there is no secret', { pipelineName: 'web', count: 3, tags: ['a'], enabled: true, note: null }, { pipelineName: 'web', count: 3, tags: ['a'], enabled: true, note: null }],
    ['not the ids and names that say which secret', { tokenId: 'tok-1', secretName: 'db', tokenIds: ['tok-2'] }, { tokenId: 'tok-1', secretName: 'db', tokenIds: ['tok-2'] }],
  ])('redacts %s', (_label, input, expected) => expect(redactSecrets(input)).toEqual(expected));

  it('keeps "__proto__", "constructor" and "prototype" as keys like any other, at any depth', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true,"password":"p"},"constructor":{"x":1},"nested":[{"prototype":{"__proto__":"a"}}]}') as { [key: string]: JsonValue };
    const redacted = redactSecrets(input);
    expect(Object.getPrototypeOf(redacted)).toBe(Object.prototype);
    expect(Object.keys(redacted)).toEqual(['__proto__', 'constructor', 'nested']);
    expect(JSON.stringify(redacted)).toBe('{"__proto__":{"polluted":true,"password":"***"},"constructor":{"x":1},"nested":[{"prototype":{"__proto__":"a"}}]}');
    expect(canonicalJson(redacted)).toBe('{"__proto__":{"password":"***","polluted":true},"constructor":{"x":1},"nested":[{"prototype":{"__proto__":"a"}}]}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads a name/value pair only from the object\'s own keys', () => {
    const inherited = JSON.parse('{"__proto__":{"name":"DB_PASSWORD"},"value":"kept"}') as { [key: string]: JsonValue };
    expect(redactSecrets(inherited)).toEqual(JSON.parse('{"__proto__":{"name":"DB_PASSWORD"},"value":"kept"}'));
  });

  it('redacts the credentials of URLs in any string parameter, and nothing else of it', () => {
    const pipeline = {
      name: 'web',
      stages: [{ name: 'Source', actions: [{ name: 'Checkout', configuration: { RepositoryUrl: 'https://bot:s3cr3t-canary@git.example.com/web.git', BranchName: 'main' } }] }],
    };
    const redacted = redactSecrets({ pipeline, note: 'mirror at http://m:pw@mirror.example.com/web.git, ask ops@example.com', clone: 'git@github.com:acme/web.git' });
    expect(JSON.stringify(redacted)).not.toMatch(/s3cr3t-canary|m:pw/);
    expect(redacted).toEqual({
      pipeline: { ...pipeline, stages: [{ name: 'Source', actions: [{ name: 'Checkout', configuration: { RepositoryUrl: 'https://***@git.example.com/web.git', BranchName: 'main' } }] }] },
      note: 'mirror at http://***@mirror.example.com/web.git, ask ops@example.com',
      clone: 'git@github.com:acme/web.git',
    });
  });

  it('takes additional secret keys without dropping the defaults', () => {
    expect(redactSecrets({ webhookSignature: 'x', password: 'p', other: 'o' }, ['signature'])).toEqual({ webhookSignature: '***', password: '***', other: 'o' });
  });

  it('does not change its input', () => {
    const input = { nested: { token: 'abc' } };
    redactSecrets(input);
    expect(input).toEqual({ nested: { token: 'abc' } });
  });
});
