// The embedded platform as `npm start` runs it, but without the demo pipeline: for tests and benches
// that bring their own pipelines and want no other work on the machine.
import { runUntilSignal } from '@sluice/runtime';
import { startPlatform } from '../embedded/platform';
import { loadPlatformConfig } from '../embedded/platform-config';

runUntilSignal(async () => {
  const platform = await startPlatform(loadPlatformConfig(process.env), { demo: false });
  return () => platform.stop();
});
