import { configProblemsOf } from '@sluice/runtime';
import { DEFAULT_JOB_LIMITS, loadProviderConfig } from './provider-config';

const problemsOf = (env: Record<string, string>): string[] => configProblemsOf(() => loadProviderConfig(env)).map((p) => `${p.variable}: ${p.reason}`);

describe('loadProviderConfig', () => {
  it('sandboxes with bubblewrap as sluice-job by default; deploys and calls nowhere unless told', () => {
    expect(loadProviderConfig({})).toEqual({
      sandbox: { mode: 'bubblewrap', user: 'sluice-job', noNetwork: [], limits: DEFAULT_JOB_LIMITS },
      deployRoots: [],
      httpAllowedHosts: [],
    });
    expect(loadProviderConfig({}, { deployRoots: ['/data/deployments'] }).deployRoots).toEqual(['/data/deployments']);
  });

  it('reads every setting', () => {
    expect(
      loadProviderConfig({
        SLUICE_SANDBOX: 'unsandboxed',
        SLUICE_SANDBOX_USER: 'builder',
        SLUICE_SANDBOX_NO_NETWORK: 'Test, Build/Sluice/Commands',
        SLUICE_JOB_MEMORY_MB: '512',
        SLUICE_JOB_PROCESSES: '64',
        SLUICE_DEPLOY_ROOTS: '/srv/www:/srv/api',
        SLUICE_HTTP_ALLOWED_HOSTS: 'hooks.example.com, 127.0.0.1:8080',
        SLUICE_GIT_USERNAME: 'ci',
        SLUICE_GIT_PASSWORD: 'token',
        SLUICE_GIT_CREDENTIAL_HOSTS: 'git.example.com',
      }),
    ).toEqual({
      sandbox: { mode: 'unsandboxed', user: 'builder', noNetwork: ['Test', 'Build/Sluice/Commands'], limits: { ...DEFAULT_JOB_LIMITS, memoryMiB: 512, processes: 64 } },
      deployRoots: ['/srv/www', '/srv/api'],
      httpAllowedHosts: ['hooks.example.com', '127.0.0.1:8080'],
      gitCredentials: { username: 'ci', password: 'token', hosts: ['git.example.com'] },
    });
  });

  it('names every bad variable at once', () => {
    expect(
      problemsOf({
        SLUICE_SANDBOX: 'docker',
        SLUICE_SANDBOX_USER: 'Root User',
        SLUICE_SANDBOX_NO_NETWORK: 'Compile',
        SLUICE_JOB_MEMORY_MB: '0',
        SLUICE_DEPLOY_ROOTS: 'relative,/',
        SLUICE_HTTP_ALLOWED_HOSTS: 'http://x',
        SLUICE_GIT_USERNAME: 'ci',
      }),
    ).toEqual([
      "SLUICE_SANDBOX: 'docker' is not one of bubblewrap, unsandboxed",
      "SLUICE_SANDBOX_USER: 'Root User' is not a user name",
      "SLUICE_SANDBOX_NO_NETWORK: 'Compile' is not an action type (Category[/Owner[/Provider[/Version]]], e.g. Test or Build/Sluice/Commands)",
      "SLUICE_JOB_MEMORY_MB: '0' is not a whole number from 1 to 1048576",
      "SLUICE_DEPLOY_ROOTS: 'relative' is not an absolute path",
      "SLUICE_DEPLOY_ROOTS: '/' would allow deploys anywhere: name the folders",
      "SLUICE_HTTP_ALLOWED_HOSTS: 'http://x' is not a host name or address with an optional :port (e.g. hooks.example.com, *.internal.test, 127.0.0.1:8080)",
      'SLUICE_GIT_CREDENTIAL_HOSTS: not set: name the hosts SLUICE_GIT_USERNAME/SLUICE_GIT_PASSWORD may be sent to (e.g. github.com), so a pipeline cannot send them elsewhere',
    ]);
  });

  it("reads the S3-compatible store of Source/S3 and Deploy/S3 from SLUICE_S3_*, refusing a half-given key", () => {
    expect(loadProviderConfig({}).s3).toBeUndefined();
    expect(loadProviderConfig({ SLUICE_S3_ENDPOINT: 'http://127.0.0.1:9000', SLUICE_S3_ACCESS_KEY_ID: 'AK', SLUICE_S3_SECRET_ACCESS_KEY: 'SK', SLUICE_S3_BUCKETS: 'default:releases, acme:acme-*' }).s3).toEqual({
      allowedBuckets: [{ account: 'default', bucket: 'releases' }, { account: 'acme', bucket: 'acme-*' }],
      endpoint: 'http://127.0.0.1:9000',
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    });
    expect(problemsOf({ SLUICE_S3_ENDPOINT: 'minio:9000', SLUICE_S3_ACCESS_KEY_ID: 'AK' })).toEqual([
      "SLUICE_S3_BUCKETS: not set: name the buckets each account may use (account:bucket, comma-separated), so no pipeline reaches another account's objects",
      "SLUICE_S3_ENDPOINT: 'minio:9000' is not an http(s) URL",
      'SLUICE_S3_SECRET_ACCESS_KEY: set one of SLUICE_S3_ACCESS_KEY_ID and SLUICE_S3_SECRET_ACCESS_KEY without the other',
    ]);
    expect(problemsOf({ SLUICE_S3_BUCKETS: 'releases' })).toEqual(["SLUICE_S3_BUCKETS: 'releases' is not account:bucket (e.g. default:releases, acme:acme-*, *:shared-drops)"]);
  });
});
