import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompositionError, composeSupergraph, fetchSubgraphSdl, SubgraphUnreachableError } from './supergraph';

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const pipelines = `${link}
  type Pipeline @key(fields: "account name") { account: String! name: String! }
  type Query { getPipeline(name: String!): Pipeline! }`;
const executions = `${link}
  type Pipeline @key(fields: "account name") { account: String! name: String! state: String }
  type Query { getPipelineState(name: String!): String! }`;

describe('composeSupergraph', () => {
  it('composes an entity extended by a second subgraph, each subgraph joined at its url', () => {
    const supergraph = composeSupergraph([
      { name: 'pipelines', url: 'http://p/graphql', sdl: pipelines },
      { name: 'executions', url: 'http://e/graphql', sdl: executions },
    ]);
    expect(supergraph).toContain('PIPELINES @join__graph(name: "pipelines", url: "http://p/graphql")');
    expect(supergraph).toContain('EXECUTIONS @join__graph(name: "executions", url: "http://e/graphql")');
  });

  it('lists every composition error in one error', () => {
    const clash = `${link}
      type Pipeline @key(fields: "account name") { account: String! name: Int! }
      type Query { getPipeline(name: String!): Int! }`;
    const compose = () =>
      composeSupergraph([
        { name: 'pipelines', url: 'http://p/graphql', sdl: pipelines },
        { name: 'other', url: 'http://o/graphql', sdl: clash },
      ]);
    expect(compose).toThrow(CompositionError);
    expect(compose).toThrow(/do not compose into a supergraph:\n {2}- .*Pipeline\.name/s);
  });

  it('names a subgraph whose SDL does not parse', () => {
    expect(() => composeSupergraph([{ name: 'broken', url: 'http://b/graphql', sdl: 'type {' }])).toThrow(/broken: its SDL does not parse/);
  });
});

describe('fetchSubgraphSdl', () => {
  const internalSecret = 's'.repeat(32);
  let server: Server | undefined;
  afterEach(() => server?.close());

  const freePort = async (): Promise<number> => {
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    return port;
  };

  it('waits for a subgraph that comes up late, saying which one it waits for', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const fetched = fetchSubgraphSdl({ name: 'pipelines', url: `http://127.0.0.1:${port}/graphql` }, { waitMs: 5_000, intervalMs: 50, log: (l) => lines.push(l), internalSecret });
    await new Promise((resolve) => setTimeout(resolve, 300));
    server = createServer((_req, res) => res.end(JSON.stringify({ data: { _service: { sdl: pipelines } } }))).listen(port, '127.0.0.1');
    await expect(fetched).resolves.toBe(pipelines);
    expect(lines[0]).toMatch(new RegExp(`waiting for subgraph 'pipelines' at http://127.0.0.1:${port}/graphql`));
  });

  it('gives up after the wait, naming the subgraph', async () => {
    const port = await freePort();
    const fetched = fetchSubgraphSdl({ name: 'executions', url: `http://127.0.0.1:${port}/graphql` }, { waitMs: 200, intervalMs: 50, internalSecret });
    await expect(fetched).rejects.toThrow(SubgraphUnreachableError);
    await expect(fetched).rejects.toThrow(/subgraph 'executions' at http:\/\/127.0.0.1:\d+\/graphql did not give its SDL/);
  });

  it('refuses a server that is not a federation subgraph', async () => {
    server = createServer((_req, res) => res.end(JSON.stringify({ errors: [{ message: 'Cannot query field "_service" on type "Query".' }] }))).listen(0, '127.0.0.1');
    await new Promise((resolve) => server!.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    await expect(fetchSubgraphSdl({ name: 'plain', url: `http://127.0.0.1:${port}/graphql` }, { waitMs: 100, intervalMs: 50, internalSecret })).rejects.toThrow(
      /no _service.sdl \(is it a federation subgraph\?\): Cannot query field "_service"/,
    );
  });
});
