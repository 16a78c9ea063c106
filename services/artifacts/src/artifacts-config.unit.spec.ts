import { ConfigError } from '@sluice/runtime';
import { loadArtifactsConfig } from './artifacts-config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadArtifactsConfig(env, '/data');
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((problem) => problem.variable);
    throw error;
  }
  return [];
};

describe('artifacts configuration', () => {
  it('defaults to a folder in the data dir, 30 days, 100 executions, a secret kept in the data dir', () => {
    expect(loadArtifactsConfig({}, '/data')).toMatchObject({
      store: { kind: 'filesystem', root: '/data/artifacts' },
      retentionDays: 30,
      keepExecutions: 100,
      urlSecret: { kind: 'file', path: '/data/artifact-url-secret' },
    });
  });

  it('reads an S3 location with its endpoint', () => {
    expect(loadArtifactsConfig({ SLUICE_ARTIFACTS: 's3://builds?endpoint=http://127.0.0.1:9000&region=eu-west-1' }, '/data').store).toEqual({
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
});
