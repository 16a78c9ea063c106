#!/usr/bin/env node
// The `sluice` command. Its TypeScript sources run through tsx (no build step), with the workspace's
// root tsconfig wherever it is started from: `execute` loads the services, which need its decorators.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

process.env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
(await import('tsx/esm/api')).register();
const { main } = require('../src/main.ts');
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin });
