// `npm start`: the whole platform in one process, configured by environment variables.
import { loadRuntimeConfig, runUntilSignal } from '@sluice/runtime';
import { startPlatform } from './platform';
import { pollIntervalFromEnv } from './triggers';

runUntilSignal(async () => {
  const platform = await startPlatform(loadRuntimeConfig(process.env), { pollIntervalMs: pollIntervalFromEnv(process.env) });
  return () => platform.stop();
});
