import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Composed supergraphs kept between starts (issue 18: composing the subgraphs took 0.4–1.6 s of every start, and
 * loading the composition library more). A composition depends only on the subgraphs' names and SDLs — the URLs are
 * put in afterwards — so one made by an earlier start of the same code is the same text. Kept like the PGlite
 * template: in a folder this user made (0700, theirs), never one another user could have planted.
 */
export interface SupergraphCache {
  get(key: string): string | undefined;
  set(key: string, supergraph: string): void;
}

/** Where the cache lives: SLUICE_SUPERGRAPH_CACHE, else `$XDG_CACHE_HOME/sluice/supergraphs` (`off`: none). */
export function supergraphCacheFolder(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.SLUICE_SUPERGRAPH_CACHE;
  if (configured === 'off') return null;
  return configured || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice', 'supergraphs');
}

const ownFolder = (folder: string): boolean => {
  try {
    const stat = statSync(folder);
    return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
};

/** A cache in `folder`; reads and writes that fail (a read-only home, a full disk) are misses, never errors. */
export function fileSupergraphCache(folder: string): SupergraphCache {
  const file = (key: string) => join(folder, `${key}.graphql`);
  return {
    get(key) {
      if (!ownFolder(folder)) return undefined;
      try {
        return readFileSync(file(key), 'utf8');
      } catch {
        return undefined;
      }
    },
    set(key, supergraph) {
      try {
        mkdirSync(folder, { recursive: true, mode: 0o700 });
        if (!ownFolder(folder)) return;
        // Written aside and renamed: a start reading it meanwhile sees the whole file or none.
        const aside = `${file(key)}.${process.pid}.tmp`;
        writeFileSync(aside, supergraph, { mode: 0o600 });
        renameSync(aside, file(key));
      } catch {
        // A cache that cannot be written costs the next start its composition, nothing else.
      }
    },
  };
}

/** The cache key of a composition: the composer's version and every subgraph's name and SDL, in order. */
export function compositionKey(composerVersion: string, subgraphs: ReadonlyArray<{ name: string; sdl: string }>): string {
  const hash = createHash('sha256').update(composerVersion);
  for (const { name, sdl } of subgraphs) hash.update(`\0${name}\0${sdl.length}\0${sdl}`);
  return hash.digest('hex');
}

/** The URL a subgraph has in a cached composition; replaced by its real one when the composition is used. */
export const placeholderUrl = (name: string): string => `http://${encodeURIComponent(name)}.subgraph.sluice.invalid/graphql`;

/** The composition with each subgraph's placeholder URL replaced by its real one (escaped as a GraphQL string). */
export function withUrls(supergraph: string, subgraphs: ReadonlyArray<{ name: string; url: string }>): string {
  let result = supergraph;
  for (const { name, url } of subgraphs) result = result.split(`"${placeholderUrl(name)}"`).join(JSON.stringify(url));
  return result;
}
