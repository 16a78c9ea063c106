import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompositionError, composeSupergraph, fetchSubgraphSdl, SubgraphUnreachableError } from './supergraph';
import { fileSupergraphCache, supergraphCacheFolder, type SupergraphCache } from './supergraph-cache';

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

describe('composeSupergraph with a cache of compositions', () => {
  /** A cache in memory that counts what it was asked and given. */
  const countingCache = () => {
    const entries = new Map<string, string>();
    const counts = { hits: 0, misses: 0, sets: 0 };
    const cache: SupergraphCache = {
      get: (key) => {
        const found = entries.get(key);
        counts[found === undefined ? 'misses' : 'hits'] += 1;
        return found;
      },
      set: (key, supergraph) => {
        counts.sets += 1;
        entries.set(key, supergraph);
      },
    };
    return { cache, counts, entries };
  };
  const at = (p: string, e: string) => [
    { name: 'pipelines', url: p, sdl: pipelines },
    { name: 'executions', url: e, sdl: executions },
  ];

  it('gives the same text as a composition of its own, at other URLs, from the cache the second time', () => {
    const { cache, counts, entries } = countingCache();
    expect(composeSupergraph(at('http://p/graphql', 'http://e/graphql'), cache)).toBe(composeSupergraph(at('http://p/graphql', 'http://e/graphql')));
    const second = composeSupergraph(at('http://127.0.0.1:4101/graphql', 'http://127.0.0.1:4102/graphql'), cache);
    expect(counts).toEqual({ hits: 1, misses: 1, sets: 1 });
    expect(second).toBe(composeSupergraph(at('http://127.0.0.1:4101/graphql', 'http://127.0.0.1:4102/graphql')));
    // What is kept names no URL of any start: only placeholders.
    expect([...entries.values()][0]).not.toContain('127.0.0.1');
  });

  it('composes again when an SDL changed, and never keeps what did not compose', () => {
    const { cache, counts } = countingCache();
    composeSupergraph(at('http://p/graphql', 'http://e/graphql'), cache);
    const changed = [{ name: 'pipelines', url: 'http://p/graphql', sdl: pipelines.replace('name: String! }', 'name: String! label: String }') }];
    expect(composeSupergraph(changed, cache)).toContain('label: String');
    expect(() => composeSupergraph([{ name: 'broken', url: 'http://b/graphql', sdl: 'type {' }], cache)).toThrow(CompositionError);
    expect(counts).toEqual({ hits: 0, misses: 3, sets: 2 });
  });

  it('keeps compositions in a folder of the user (0700), ignores one others could write, and never fails a start', () => {
    const root = mkdtempSync(join(tmpdir(), 'supergraphs-'));
    try {
      const folder = join(root, 'supergraphs');
      const files = fileSupergraphCache(folder);
      files.set('k', 'type Query { a: Int }');
      expect([files.get('k'), readdirSync(folder)]).toEqual(['type Query { a: Int }', ['k.graphql']]);
      chmodSync(folder, 0o777);
      expect(files.get('k')).toBeUndefined();
      const unwritable = fileSupergraphCache(join(root, 'file-not-folder', 'x'));
      writeFileSync(join(root, 'file-not-folder'), '');
      expect(() => unwritable.set('k', 'x')).not.toThrow();
      expect(unwritable.get('k')).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('lives under the user\'s cache folder unless SLUICE_SUPERGRAPH_CACHE names one, or none with off', () => {
    expect(supergraphCacheFolder({ XDG_CACHE_HOME: '/c' })).toBe('/c/sluice/supergraphs');
    expect(supergraphCacheFolder({ SLUICE_SUPERGRAPH_CACHE: '/x' })).toBe('/x');
    expect(supergraphCacheFolder({ SLUICE_SUPERGRAPH_CACHE: 'off' })).toBeNull();
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
