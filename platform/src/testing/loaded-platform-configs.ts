// For platform-config.int.spec.ts: loadPlatformConfig of each environment given (a JSON array on stdin), as a JSON
// array on stdout, each the config or the problem it stopped at. A child process, because loading the services'
// configuration loads NestJS, which is ESM-only and cannot run inside jest.
import { ConfigError, type Env } from '@sluice/runtime';
import { loadPlatformConfig } from '../embedded/platform-config';

export type LoadedPlatformConfig =
  | { ok: true; config: Record<string, unknown> }
  | { ok: false; message: string; variables?: string[] };

function loaded(env: Env): LoadedPlatformConfig {
  try {
    return { ok: true, config: JSON.parse(JSON.stringify(loadPlatformConfig(env))) as Record<string, unknown> };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.message, variables: error.problems.map((p) => p.variable) };
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

let input = '';
process.stdin.on('data', (chunk: Buffer) => void (input += chunk.toString()));
process.stdin.on('end', () => {
  const envs = JSON.parse(input) as Env[];
  process.stdout.write(JSON.stringify(envs.map(loaded)));
});
