import type { JsonValue } from './canonical-json';
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

  it('takes additional secret keys without dropping the defaults', () => {
    expect(redactSecrets({ webhookSignature: 'x', password: 'p', other: 'o' }, ['signature'])).toEqual({ webhookSignature: '***', password: '***', other: 'o' });
  });

  it('does not change its input', () => {
    const input = { nested: { token: 'abc' } };
    redactSecrets(input);
    expect(input).toEqual({ nested: { token: 'abc' } });
  });
});
