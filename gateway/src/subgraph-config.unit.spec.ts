import { ConfigError } from '@sluice/runtime';
import { loadGatewayConfig } from './subgraph-config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadGatewayConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadGatewayConfig', () => {
  it('reads the subgraphs as name=url pairs and the port', () => {
    expect(loadGatewayConfig({ SLUICE_SUBGRAPHS: ' pipelines=http://127.0.0.1:4101/graphql , executions=https://x.example/graphql', SLUICE_PORT: '4100' })).toEqual({
      subgraphs: [
        { name: 'pipelines', url: 'http://127.0.0.1:4101/graphql' },
        { name: 'executions', url: 'https://x.example/graphql' },
      ],
      port: 4100,
    });
  });

  it('defaults the port to 4000', () => {
    expect(loadGatewayConfig({ SLUICE_SUBGRAPHS: 'pipelines=http://p/graphql' }).port).toBe(4000);
  });

  it.each([
    [{}, /SLUICE_SUBGRAPHS: not set/],
    [{ SLUICE_SUBGRAPHS: 'http://127.0.0.1:4101/graphql' }, /SLUICE_SUBGRAPHS: 'http:\/\/127.0.0.1:4101\/graphql' is not name=url/],
    [{ SLUICE_SUBGRAPHS: 'pipelines=127.0.0.1:4101' }, /SLUICE_SUBGRAPHS: the url of 'pipelines' is not an http\(s\) URL/],
    [{ SLUICE_SUBGRAPHS: 'a=http://x/graphql,a=http://y/graphql' }, /SLUICE_SUBGRAPHS: 'a' is named twice/],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadGatewayConfig(env)).toThrow(message);
  });

  it('lists every bad variable at once', () => {
    expect(problemsOf({ SLUICE_SUBGRAPHS: 'x', SLUICE_PORT: '70000' }).map((p) => p.variable)).toEqual(['SLUICE_SUBGRAPHS', 'SLUICE_PORT']);
  });
});
