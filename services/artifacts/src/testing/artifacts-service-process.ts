import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';

const root = join(__dirname, '../../../..');

export const TEST_URL_SECRET = 'artifacts-test-secret-of-32-characters-or-more';

export interface ArtifactsServiceProcess extends ServiceProcess {
  /** The folder the service keeps bytes in (its SLUICE_ARTIFACTS). */
  artifactsDir: string;
  dataDir: string;
}

export interface ArtifactsServiceProcessOptions {
  /** Its SLUICE_DATA_DIR (default: a new folder under the system's temporary one). */
  dataDir?: string;
  /** Node's flags, e.g. a small heap (`--max-old-space-size=64`, bench/artifacts). */
  nodeArgs?: string[];
}

/**
 * The service as it runs (its `src/main.ts` compiled, as `npm run start:distributed` runs it) on the real PostgreSQL event store and a filesystem store,
 * in a child process; `env` adds to its environment.
 */
export async function startArtifactsService(schema: string, env: Record<string, string> = {}, options: ArtifactsServiceProcessOptions = {}): Promise<ArtifactsServiceProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sluice-artifacts-service-')));
  const artifactsDir = join(dataDir, 'artifacts');
  const service = await startServiceProcess({
    name: 'artifacts service',
    script: join(root, 'services/artifacts/src/main.ts'),
    cwd: root,
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
    env: {
      SLUICE_EVENT_STORE: testPostgresUrl(),
      SLUICE_EVENT_STORE_SCHEMA: schema,
      SLUICE_PORT: '0',
      SLUICE_KAFKA_BROKERS: '',
      SLUICE_DATA_DIR: dataDir,
      SLUICE_ARTIFACTS: artifactsDir,
      SLUICE_ARTIFACT_URL_SECRET: TEST_URL_SECRET,
      ...env,
    },
  });
  return Object.assign(service, { artifactsDir, dataDir });
}
