import { configProblemsOf } from '@sluice/runtime';
import { artifactsSettingsFrom, loadArtifactsConfig } from './artifacts-config';

const problemsOf = (env: Record<string, string>): string[] => configProblemsOf(() => artifactsSettingsFrom(env, '/data')).map((problem) => problem.variable);

describe('artifacts configuration', () => {
  it('defaults to a folder in the data dir, 30 days, 100 executions, a secret kept in the data dir', () => {
    expect(artifactsSettingsFrom({}, '/data')).toMatchObject({
      store: { kind: 'filesystem', root: '/data/artifacts' },
      retentionDays: 30,
      keepExecutions: 100,
      urlSecret: { kind: 'file', path: '/data/artifact-url-secret' },
    });
  });

  it('reads an S3 location with its endpoint', () => {
    expect(artifactsSettingsFrom({ SLUICE_ARTIFACTS: 's3://builds?endpoint=http://127.0.0.1:9000&region=eu-west-1' }, '/data').store).toEqual({
      kind: 's3',
      bucket: 'builds',
      endpoint: 'http://127.0.0.1:9000',
      region: 'eu-west-1',
    });
  });

  it('names every bad variable at once', () => {
    expect(
      problemsOf({
        SLUICE_ARTIFACTS: 'ftp://nope',
        SLUICE_ARTIFACT_RETENTION_DAYS: '-1',
        SLUICE_ARTIFACT_KEEP_EXECUTIONS: '2.5',
        SLUICE_ARTIFACT_URL_SECRET: 'short',
        SLUICE_ARTIFACT_MAX_BYTES: 'lots',
      }),
    ).toEqual(['SLUICE_ARTIFACTS', 'SLUICE_ARTIFACT_RETENTION_DAYS', 'SLUICE_ARTIFACT_KEEP_EXECUTIONS', 'SLUICE_ARTIFACT_MAX_BYTES', 'SLUICE_ARTIFACT_URL_SECRET']);
    expect(problemsOf({ SLUICE_ARTIFACTS: 's3://x?endpoint=nope&colour=red' })).toEqual(['SLUICE_ARTIFACTS', 'SLUICE_ARTIFACTS', 'SLUICE_ARTIFACTS']);
  });

  it('is loaded for the service alone with the runtime, where it listens and the gateway\'s secret', () => {
    const internalSecret = 'x'.repeat(32);
    const config = loadArtifactsConfig({ SLUICE_DATA_DIR: '/srv/sluice', SLUICE_PORT: '4300', SLUICE_INTERNAL_SECRET: internalSecret });
    expect(config.runtime).toMatchObject({ dataDir: '/srv/sluice', port: 4300 });
    expect(config.serve).toEqual({ port: 4300, host: '127.0.0.1', internalSecret });
    expect(config.artifacts).toMatchObject({ store: { kind: 'filesystem', root: '/srv/sluice/artifacts' }, urlSecret: { kind: 'file', path: '/srv/sluice/artifact-url-secret' } });
    expect(() => loadArtifactsConfig({ SLUICE_DATA_DIR: '/srv/sluice' })).toThrow(/SLUICE_INTERNAL_SECRET/);
  });
});
