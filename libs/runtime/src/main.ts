// `npm start`: the platform in one process, configured by environment variables.
import { loadRuntimeConfig } from './runtime-config';
import { runUntilSignal } from './run-until-signal';
import { startPlatform } from './platform';

runUntilSignal(async () => {
  const platform = await startPlatform(loadRuntimeConfig(process.env));
  return () => platform.stop();
});
