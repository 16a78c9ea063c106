import { authorize, jobWorkerPolicy, resourceForAction } from '@sluice/authz';
import { BUILT_IN_ACTION_TYPES, workerEnvironment } from './worker-credential';

describe('what a worker process is given', () => {
  const operatorShell = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/ops',
    LANG: 'C.UTF-8',
    SLUICE_WORKER_CONCURRENCY: '4',
    SLUICE_SANDBOX_USER: 'builder',
    SLUICE_SANDBOX_NO_NETWORK: 'Test',
    SLUICE_JOB_MEMORY_MB: '2048',
    SLUICE_DEPLOY_ROOTS: '/srv/www',
    SLUICE_HTTP_ALLOWED_HOSTS: 'hooks.example.com',
    SLUICE_GIT_CREDENTIAL_HOSTS: 'git.example.com',
    SLUICE_ARTIFACTS: '/srv/sluice/artifacts',
    SLUICE_LOG_FORMAT: 'json',
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    // Secrets of the platform and of the operator's shell: none may reach a worker.
    SLUICE_EVENT_STORE: 'postgres://sluice:pw@db/sluice',
    SLUICE_KAFKA_BROKERS: 'kafka:9092',
    SLUICE_INTERNAL_SECRET: 'internal',
    SLUICE_TOKEN: 'slu_admin',
    SLUICE_ACCESS_KEY_MASTER_KEY: 'master',
    SLUICE_ARTIFACT_URL_SECRET: 'signing',
    AWS_SECRET_ACCESS_KEY: 'aws',
    DATABASE_URL: 'postgres://x',
  };

  it('keeps its own settings and the basics of a process, nothing else', () => {
    expect(Object.keys(workerEnvironment(operatorShell)).sort()).toEqual(
      [
        'HOME',
        'LANG',
        'OTEL_EXPORTER_OTLP_ENDPOINT',
        'PATH',
        'SLUICE_ARTIFACTS',
        'SLUICE_DEPLOY_ROOTS',
        'SLUICE_GIT_CREDENTIAL_HOSTS',
        'SLUICE_HTTP_ALLOWED_HOSTS',
        'SLUICE_JOB_MEMORY_MB',
        'SLUICE_LOG_FORMAT',
        'SLUICE_SANDBOX_NO_NETWORK',
        'SLUICE_SANDBOX_USER',
        'SLUICE_WORKER_CONCURRENCY',
      ].sort(),
    );
  });

  it('gives its token the job-worker actions on the built-in action types only', () => {
    const principal = { id: 'sluice-worker', account: 'default', policies: [jobWorkerPolicy('default', BUILT_IN_ACTION_TYPES)] };
    const may = (action: string, target: Parameters<typeof resourceForAction>[1]) =>
      authorize({ principal, action, resource: resourceForAction(action, target), context: { currentTime: new Date() } }).allowed;
    const commands = { owner: 'Sluice', category: 'Build', provider: 'Commands', version: '1' };
    const custom = { owner: 'Custom', category: 'Build', provider: 'MyTool', version: '1' };
    for (const action of ['sluice:PollForJobs', 'sluice:AcknowledgeJob', 'sluice:GetJobDetails', 'sluice:PutJobSuccessResult', 'sluice:PutJobFailureResult']) {
      expect(may(action, { account: 'default', actionType: commands })).toBe(true);
      expect(may(action, { account: 'default', actionType: { owner: 'AWS', category: 'Approval', provider: 'Manual', version: '1' } })).toBe(true);
      expect(may(action, { account: 'default', actionType: custom })).toBe(false);
      expect(may(action, { account: 'other', actionType: commands })).toBe(false);
    }
    expect(may('sluice:GetPipeline', { account: 'default', pipeline: 'demo' })).toBe(false);
    expect(may('sluice:StartPipelineExecution', { account: 'default', pipeline: 'demo' })).toBe(false);
    expect(may('sluice:CreateToken', { account: 'default', principal: 'sluice-worker' })).toBe(false);
  });
});
