import { awsApiFrom } from './aws-route';

describe('awsApiFrom (the gateway process)', () => {
  const secret = 's'.repeat(32);

  it('serves /aws only with a permissions subgraph to look access keys up on', () => {
    expect(awsApiFrom([{ name: 'pipelines', url: 'http://127.0.0.1:1/graphql' }], secret)).toBeUndefined();
    expect(awsApiFrom([{ name: 'permissions', url: 'http://127.0.0.1:1/graphql' }], secret)?.accessKeys.resolve).toEqual(expect.any(Function));
  });

  it('reports an unreachable permissions service as ServiceUnavailable, not as a bad key', async () => {
    const api = awsApiFrom([{ name: 'permissions', url: 'http://127.0.0.1:1/graphql' }], secret)!;
    await expect(api.accessKeys.resolve('AKIAAAAAAAAAAAAAAAAA')).rejects.toMatchObject({ type: 'ServiceUnavailable', status: 503 });
  });
});
