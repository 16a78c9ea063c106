import { loadProviderConfig } from '../../provider-config';
import type { JobSandbox } from '../job-sandbox';
import { openJobSandbox } from '../open-sandbox';

let opened: Promise<JobSandbox> | undefined;

/**
 * The sandbox jobs get by default on this machine (bubblewrap, as `sluice-job` when the tests run as
 * root), opened once per test process. `npm test` installs it (scripts/ensure-sandbox.sh); a machine
 * without it fails here, loudly, rather than testing commands unsandboxed.
 */
export function testSandbox(): Promise<JobSandbox> {
  opened ??= openJobSandbox(loadProviderConfig({}).sandbox).then((sandbox) => {
    if (sandbox.kind !== 'bubblewrap') throw new Error(`the tests need the job sandbox: ${sandbox.description}`);
    return sandbox;
  });
  return opened;
}
