import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importTypeScript } from './typescript-sources';

type Platform = typeof import('@sluice/platform');

/**
 * The platform `sluice execute` starts in this process: its compiled bundle (platform/scripts/build.mjs builds
 * platform/src/index.ts when a source changed, decision 0058), which loads without compiling TypeScript; or, with
 * `SLUICE_FROM_SOURCE=1`, its TypeScript sources through tsx, as before the bundle.
 */
export async function loadPlatform(env: NodeJS.ProcessEnv = process.env): Promise<Platform> {
  if (env['SLUICE_FROM_SOURCE'] === '1') return importTypeScript<Platform>('@sluice/platform');
  // From cli/src (tests) and cli/dist (the compiled command) alike.
  const root = join(__dirname, '..', '..');
  // Named by a variable: the builder is an ES module of the platform's tooling, loaded as it is, not bundled.
  const builder = pathToFileURL(join(root, 'platform', 'scripts', 'build.mjs')).href;
  const { ensureBuilt } = (await import(builder)) as { ensureBuilt(entry: string): Promise<string> };
  const bundle = await ensureBuilt(join(root, 'platform', 'src', 'index.ts'));
  return createRequire(join(root, 'package.json'))(bundle) as Platform;
}
