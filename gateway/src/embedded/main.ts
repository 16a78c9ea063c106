// `npm start`: the whole platform in one process, configured by environment variables.
import { loadRuntimeConfig, runUntilSignal } from '@sluice/runtime';
import { startPlatform } from './platform';

runUntilSignal(async () => {
  const platform = await startPlatform(loadRuntimeConfig(process.env));
  return () => platform.stop();
});
