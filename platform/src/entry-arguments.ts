import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Runs an entry from its compiled bundle in platform/dist/, built first when a source changed (decision 0058). */
const RUN_COMPILED = join(__dirname, '../bin/run-compiled.mjs');

/**
 * Node's arguments that run `entry`, a TypeScript file of the workspace (npm start's main, a distributed process's
 * main, the test entry, the job launcher's main): its compiled bundle, which starts without compiling TypeScript;
 * or, with `SLUICE_FROM_SOURCE=1`, the sources themselves through tsx, as before the bundle (nothing built, e.g. to
 * bisect).
 */
export function entryArguments(entry: string, env: NodeJS.ProcessEnv = process.env): string[] {
  // tsx named by its file: a process may start in any folder (`sluice execute`'s job launcher starts in the user's).
  return env['SLUICE_FROM_SOURCE'] === '1' ? ['--import', pathToFileURL(require.resolve('tsx')).href, entry] : [RUN_COMPILED, entry];
}
