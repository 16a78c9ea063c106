// Compiles the `sluice` command into one CommonJS file, cli/dist/sluice.cjs (esbuild, ~0.2 s), so a call starts
// in Node alone instead of compiling TypeScript each time (issue 18: 0.9 s a call through tsx). The launcher
// (bin/sluice.mjs) runs it when it is newer than every source it holds, and builds it again otherwise.
import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(cliDir, 'dist', 'sluice.cjs');
/** Folders whose files the bundle holds: a change in one makes the bundle stale. */
const SOURCES = [join(cliDir, 'src'), join(cliDir, '..', 'libs', 'domain', 'src')];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function isFresh() {
  try {
    const built = statSync(DIST).mtimeMs;
    return SOURCES.every((dir) => newestSource(dir) <= built);
  } catch {
    return false;
  }
}

export async function buildCli() {
  const { build } = await import('esbuild');
  mkdirSync(dirname(DIST), { recursive: true });
  // Written aside and renamed: two first calls at once each build, and neither reads a half-written file.
  const temporary = `${DIST}.${process.pid}.tmp`;
  await build({
    entryPoints: [join(cliDir, 'src', 'main.ts')],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
    // The platform and the runtime (only `sluice execute` loads them, from their compiled bundle or through tsx) and
    // ws's optional native helpers stay outside the bundle; the domain's browser entry (the definition's rules) is in.
    external: ['@sluice/gateway', '@sluice/gateway/*', '@sluice/platform', '@sluice/platform/*', '@sluice/runtime', 'tsx', 'tsx/*', 'bufferutil', 'utf-8-validate'],
  });
  renameSync(temporary, DIST);
  return DIST;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await buildCli();
  console.log(`sluice compiled to ${DIST} in ${Date.now() - started} ms`);
}
