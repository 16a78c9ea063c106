// Preloaded into the platform by restart.ts (NODE_OPTIONS=--import …) when SLUICE_BENCH_STARTUP_CPU_PROF=1, since
// `--cpu-prof` is not allowed in NODE_OPTIONS: profiles the process from its start and writes a .cpuprofile (open it
// in Chrome DevTools) into SLUICE_BENCH_CPU_PROFILE_DIR when the process exits.
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.SLUICE_BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-process session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `platform-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
