import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * The compiled CLI runs without a TypeScript loader; `sluice execute` with `SLUICE_FROM_SOURCE=1` starts the platform
 * from its TypeScript sources (the services need the root tsconfig's decorators), so it registers tsx first, once.
 * Otherwise it loads the platform's compiled bundle (platform-module.ts).
 */
export async function registerTypeScriptSources(): Promise<void> {
  if ((globalThis as { __sluiceTsx?: boolean }).__sluiceTsx) return;
  (globalThis as { __sluiceTsx?: boolean }).__sluiceTsx = true;
  const root = join(__dirname, '..', '..');
  process.env['TSX_TSCONFIG_PATH'] ??= join(root, 'tsconfig.json');
  const require = createRequire(join(root, 'package.json'));
  (require('tsx/cjs/api') as { register(): void }).register();
  // Named by a variable: tsc's CommonJS resolution does not read tsx's ESM-only entry.
  const esmApi = 'tsx/esm/api';
  ((await import(esmApi)) as { register(): void }).register();
}

/**
 * A module of the workspace's TypeScript sources, loaded through tsx. They compile to CommonJS, so Node's ESM loader
 * may offer their exports only as `default`; either way the caller gets the exports.
 */
export async function importTypeScript<T>(specifier: string): Promise<T> {
  await registerTypeScriptSources();
  const loaded = (await import(specifier)) as T & { default?: T };
  return loaded.default !== undefined && typeof loaded.default === 'object' ? loaded.default : loaded;
}
