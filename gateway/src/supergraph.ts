import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'graphql';
import { internalSecretHeaders } from './auth/internal-secret-headers';
import { endpointUrls, type SubgraphEndpoint } from './gateway-config';
import { fetchFirstConnected } from './subgraph-instances';
import { compositionKey, fileSupergraphCache, placeholderUrl, supergraphCacheFolder, withUrls, type SupergraphCache } from './supergraph-cache';

/** The subgraphs' SDL did not compose: every error, each once, so one fix-and-restart settles them. */
export class CompositionError extends Error {
  override readonly name = 'CompositionError';
  constructor(readonly errors: string[]) {
    super(`The subgraphs do not compose into a supergraph:\n${errors.map((e) => `  - ${e}`).join('\n')}`);
  }
}

/** A subgraph kept not answering `{ _service { sdl } }` for the whole start-up wait. */
export class SubgraphUnreachableError extends Error {
  override readonly name = 'SubgraphUnreachableError';
  constructor(
    readonly subgraph: SubgraphEndpoint,
    readonly lastProblem: string,
    waitedMs: number,
  ) {
    super(`subgraph '${subgraph.name}' at ${subgraph.url} did not give its SDL within ${Math.round(waitedMs / 1000)} s: ${lastProblem}`);
  }
}

export interface SdlFetchOptions {
  /** How long a subgraph may take to come up before the gateway gives up. */
  waitMs?: number;
  intervalMs?: number;
  /** Told each time a subgraph is not up yet, naming it. */
  log?: (line: string) => void;
  /** Sent as x-sluice-internal-secret. */
  internalSecret: string;
}

interface SdlAnswer {
  data?: { _service?: { sdl?: string } } | null;
  errors?: Array<{ message: string }>;
}

async function fetchSdlOnce(subgraph: SubgraphEndpoint, internalSecret: string): Promise<string> {
  // Any instance gives the subgraph's SDL (they run the same code).
  const response = await fetchFirstConnected(endpointUrls(subgraph), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...internalSecretHeaders(internalSecret) },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  let answer: SdlAnswer;
  try {
    answer = JSON.parse(text) as SdlAnswer;
  } catch {
    throw new Error(`HTTP ${response.status}, not a GraphQL answer: ${text.slice(0, 200)}`);
  }
  const sdl = answer.data?._service?.sdl;
  if (typeof sdl !== 'string') {
    throw new Error(`HTTP ${response.status}, no _service.sdl (is it a federation subgraph?): ${answer.errors?.map((e) => e.message).join('; ') ?? text.slice(0, 200)}`);
  }
  return sdl;
}

const reasonOf = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
};

/** The subgraph's SDL, retried while it is not up yet (services start in any order). */
export async function fetchSubgraphSdl(subgraph: SubgraphEndpoint, options: SdlFetchOptions): Promise<string> {
  const waitMs = options.waitMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 500;
  const started = Date.now();
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetchSdlOnce(subgraph, options.internalSecret);
    } catch (error) {
      const problem = reasonOf(error);
      if (Date.now() - started + intervalMs > waitMs) throw new SubgraphUnreachableError(subgraph, problem, Date.now() - started);
      // Said on the first miss and then every ten, so a slow start is visible without flooding the log.
      if (attempt % 10 === 1) options.log?.(`gateway: waiting for subgraph '${subgraph.name}' at ${subgraph.url}: ${problem}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

export interface SubgraphSdl extends SubgraphEndpoint {
  sdl: string;
}

const COMPOSER = '@theguild/federation-composition';

/** The composer's version, part of the cache key: another version may compose the same SDLs differently. */
const composerVersion = (): string => {
  try {
    let dir = dirname(require.resolve(COMPOSER));
    for (let depth = 0; depth < 4; depth += 1, dir = dirname(dir)) {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (manifest.name === COMPOSER && manifest.version) return manifest.version;
      } catch {
        // not the package's folder yet
      }
    }
  } catch {
    // not resolvable: compose without a cache key worth keeping
  }
  return 'unknown';
};

/**
 * The supergraph SDL (federation v2, join__graph urls pointing at each subgraph) the gateway runtime serves. With a
 * cache, a composition of the same SDLs made before is used (the composer, ~1 s with its loading, is not loaded).
 */
export function composeSupergraph(subgraphs: SubgraphSdl[], cache?: SupergraphCache): string {
  const version = cache ? composerVersion() : 'unknown';
  const key = cache && version !== 'unknown' ? compositionKey(version, subgraphs) : undefined;
  const cached = key === undefined ? undefined : cache?.get(key);
  if (cached !== undefined) return withUrls(cached, subgraphs);
  const parsed: Array<{ name: string; url: string; typeDefs: ReturnType<typeof parse> }> = [];
  const errors: string[] = [];
  for (const subgraph of subgraphs) {
    try {
      parsed.push({ name: subgraph.name, url: placeholderUrl(subgraph.name), typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      errors.push(`${subgraph.name}: its SDL does not parse: ${reasonOf(error)}`);
    }
  }
  if (errors.length > 0) throw new CompositionError(errors);
  // Loaded only when composing: a start that finds its composition in the cache never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { composeServices } = require('@theguild/federation-composition') as typeof import('@theguild/federation-composition');
  const result = composeServices(parsed);
  if (result.errors) throw new CompositionError([...new Set(result.errors.map((e) => e.message))]);
  if (key !== undefined) cache?.set(key, result.supergraphSdl);
  return withUrls(result.supergraphSdl, subgraphs);
}

/** Fetches every subgraph's SDL (in parallel, each retried while down) and composes them (cached, see above). */
export async function loadSupergraph(subgraphs: SubgraphEndpoint[], options: SdlFetchOptions): Promise<string> {
  const sdls = await Promise.all(subgraphs.map(async (subgraph) => ({ ...subgraph, sdl: await fetchSubgraphSdl(subgraph, options) })));
  const folder = supergraphCacheFolder();
  return composeSupergraph(sdls, folder === null ? undefined : fileSupergraphCache(folder));
}
