#!/usr/bin/env node
// The `sluice` command: compiled JavaScript (cli/dist/sluice.cjs), built from the TypeScript sources on the first
// call after they change (cli/scripts/build.mjs, ~0.2 s), so every other call starts in Node alone.
import { createRequire } from 'node:module';
import { buildCli, DIST, isFresh } from '../scripts/build.mjs';

const require = createRequire(import.meta.url);
if (!isFresh()) await buildCli();
const { main } = require(DIST);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin });
