import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** The `sluice` command as users run it (cli/bin/sluice.mjs, compiled on first use). */
export const SLUICE_BIN = join(__dirname, '../../../cli/bin/sluice.mjs');

export interface SluiceRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `sluice` as a process against the platform at `endpoint` with `token`, in `workDir` (its HOME and config file
 * too, so no profile of the machine's user is read). Resolves with the exit code and both outputs.
 */
export function runSluice(endpoint: string, token: string, workDir: string, args: readonly string[]): Promise<SluiceRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SLUICE_BIN, ...args], {
      cwd: workDir,
      env: { ...process.env, HOME: workDir, SLUICE_CONFIG_FILE: join(workDir, 'config'), SLUICE_ENDPOINT_URL: endpoint, SLUICE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
