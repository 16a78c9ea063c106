import { configProblemsOf } from '@sluice/runtime';
import { loadWorkerConfig } from './worker-config';

const problemsOf = (env: Record<string, string>): string[] => configProblemsOf(() => loadWorkerConfig(env)).map((p) => `${p.variable}: ${p.reason}`);

describe('loadWorkerConfig', () => {
  it('takes jobs from the gateway, artifacts from a shared folder, two at once by default', () => {
    expect(loadWorkerConfig({ SLUICE_GATEWAY_URL: 'http://127.0.0.1:4000/', SLUICE_ARTIFACTS: '/srv/sluice/artifacts' })).toEqual({
      jobsUrl: 'http://127.0.0.1:4000/graphql',
      uploadUrl: 'http://127.0.0.1:4000',
      concurrency: 2,
      artifacts: { kind: 'directory', root: '/srv/sluice/artifacts' },
      heartbeatIntervalMs: 30_000,
      stopGraceMs: 25_000,
    });
  });

  it('reads a job endpoint, a token, S3 and the timings', () => {
    expect(
      loadWorkerConfig({
        SLUICE_JOBS_URL: 'http://executions:4102/graphql',
        SLUICE_TOKEN: 'sk_abc',
        SLUICE_WORKER_CONCURRENCY: '8',
        SLUICE_ARTIFACTS: 's3://ci-artifacts?endpoint=http://minio:9000&prefix=sluice/&region=eu-west-1',
        SLUICE_WORKER_HEARTBEAT_MS: '1000',
        SLUICE_WORKER_STOP_GRACE_MS: '0',
      }),
    ).toEqual({
      jobsUrl: 'http://executions:4102/graphql',
      uploadUrl: 'http://executions:4102',
      token: 'sk_abc',
      concurrency: 8,
      artifacts: { kind: 's3', bucket: 'ci-artifacts', prefix: 'sluice/', endpoint: 'http://minio:9000', region: 'eu-west-1' },
      heartbeatIntervalMs: 1000,
      stopGraceMs: 0,
    });
  });

  it('names what is missing', () => {
    expect(problemsOf({})).toEqual([
      'SLUICE_GATEWAY_URL: not set: the gateway the worker takes jobs from (e.g. http://127.0.0.1:4000), or SLUICE_JOBS_URL',
      'SLUICE_ARTIFACTS: not set: a folder shared with the services (absolute path) or s3://bucket?endpoint=…&region=…&prefix=…',
    ]);
  });

  it('names every bad value at once', () => {
    expect(
      problemsOf({
        SLUICE_GATEWAY_URL: 'ftp://x',
        SLUICE_ARTIFACTS: 'artifacts',
        SLUICE_WORKER_CONCURRENCY: '0',
        SLUICE_WORKER_HEARTBEAT_MS: 'soon',
      }),
    ).toEqual([
      "SLUICE_GATEWAY_URL: 'ftp://x' is not an http(s) URL (e.g. http://sluice:4000)",
      "SLUICE_WORKER_CONCURRENCY: '0' is not a whole number from 1 to 64",
      "SLUICE_ARTIFACTS: 'artifacts' is not an absolute path (the folder must be the one the services use)",
      "SLUICE_WORKER_HEARTBEAT_MS: 'soon' is not a whole number from 100 to 3600000",
    ]);
    expect(problemsOf({ SLUICE_JOBS_URL: 'http://a/graphql', SLUICE_GATEWAY_URL: 'http://b', SLUICE_ARTIFACTS: 's3://bad_bucket?acl=x' })).toEqual([
      'SLUICE_JOBS_URL: set together with SLUICE_GATEWAY_URL: give one of them',
      "SLUICE_ARTIFACTS: 'bad_bucket' is not a bucket name",
      'SLUICE_ARTIFACTS: unknown parameter(s) acl: use endpoint, region, prefix',
    ]);
  });
});
