// `npm run start:distributed`: installs what is missing, then runs every service as its own OS process
// (platform/src/distributed/main.ts): PostgreSQL store, Kafka bus, two engines, two workers. See docs/operations.md.
import { runPlatform } from './run-platform.mjs';

runPlatform({ entry: 'platform/src/distributed/main.ts', command: 'npm run start:distributed', gitUse: 'Git source actions use it' });
