#!/usr/bin/env node
// Runs an entry of the platform (`node platform/bin/run-compiled.mjs platform/src/embedded/main.ts`) from its compiled
// bundle in platform/dist/, built first when a source changed (platform/scripts/build.mjs), instead of through tsx:
// npm start, the distributed processes and the e2e suites' platforms start without compiling TypeScript (decision 0058).
import { createRequire } from 'node:module';
import { ensureBuilt } from '../scripts/build.mjs';

const [entry] = process.argv.splice(2, 1);
if (!entry) {
  console.error('usage: node platform/bin/run-compiled.mjs <entry.ts> [arguments…]');
  process.exit(2);
}
const bundle = await ensureBuilt(entry);
// Stack traces name the TypeScript sources, as they did under tsx.
process.setSourceMapsEnabled(true);
createRequire(import.meta.url)(bundle);
