// The embedded platform as `npm start` runs it, but without the demo pipeline: for tests and benches
// that bring their own pipelines and want no other work on the machine.
import { loadRuntimeConfig, runUntilSignal } from '@sluice/runtime';
import { startPlatform } from '../embedded/platform';
import { pollIntervalFromEnv } from '@sluice/triggers-service';

runUntilSignal(async () => {
  const platform = await startPlatform(loadRuntimeConfig(process.env), { demo: false, pollIntervalMs: pollIntervalFromEnv(process.env) });
  return () => platform.stop();
});
