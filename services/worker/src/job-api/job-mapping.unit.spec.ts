import type { PolledJob } from './job-api';
import { failureResultOf, successResultOf } from './job-results';
import { workerJobOf } from './worker-job';

const polled: PolledJob = {
  id: 'job-1',
  nonce: 'n-1',
  accountId: 'acme',
  data: {
    executionId: 'exec-1',
    pipeline: { account: 'acme', name: 'web' },
    stageName: 'Build',
    actionName: 'Compile',
    actionExecutionId: 'exec-1/Build/Compile/1',
    actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' },
    configuration: { Commands: 'make' },
    commands: [],
    environmentVariables: [{ name: 'COMMIT', value: 'abc', type: 'PLAINTEXT' }],
    inputArtifacts: [{ name: 'SourceOutput', location: 'f'.repeat(64) }],
    outputArtifacts: [
      { name: 'Site', files: ['dist/**'] },
      { name: 'All', files: [] },
    ],
    outputVariables: ['BUILD_ID'],
    namespace: 'BuildVariables',
    sourceRevision: { actionName: 'Checkout', revisionType: 'COMMIT_ID', revisionId: 'abc', revisionSummary: null, revisionUrl: null },
    continuationToken: null,
    deadline: '2026-03-01T10:01:00.000Z',
  },
};

describe('a polled job as the providers see it', () => {
  it('maps the job data, with the time left until the deadline as the timeout', () => {
    expect(workerJobOf(polled, Date.parse('2026-03-01T10:00:00.000Z'))).toEqual({
      jobId: 'job-1',
      account: 'acme',
      pipelineExecutionId: 'exec-1',
      stageName: 'Build',
      actionName: 'Compile',
      configuration: { Commands: 'make' },
      inputArtifacts: [{ name: 'SourceOutput', location: 'f'.repeat(64) }],
      outputArtifacts: [{ name: 'Site', files: ['dist/**'] }, { name: 'All' }],
      environmentVariables: [{ name: 'COMMIT', value: 'abc' }],
      outputVariables: ['BUILD_ID'],
      sourceRevision: 'abc',
      timeoutMs: 60_000,
      variables: {},
    });
  });

  it('keeps the commands array when there is one, and a past deadline still gives the provider a moment to time out', () => {
    const job = workerJobOf({ ...polled, data: { ...polled.data, commands: ['make'], sourceRevision: null } }, Date.parse('2026-03-01T11:00:00.000Z'));
    expect(job.commands).toEqual(['make']);
    expect(job.timeoutMs).toBe(1);
    expect('sourceRevision' in job).toBe(false);
  });
});

describe('results as the job API takes them', () => {
  it('reports outputs by store address, the summary, the link and the fetched revision of the action', () => {
    const result = successResultOf(
      {
        outputArtifacts: [{ name: 'SourceOutput', location: 'a'.repeat(64), size: 10 }],
        outputVariables: { CommitId: 'abc' },
        summary: 'Fetched abc',
        externalLink: 'https://git.example.com/web/commit/abc',
        sourceRevision: { revisionType: 'COMMIT_ID', revisionId: 'abc', revisionSummary: 'Fix' },
      },
      polled.data,
    );
    expect(result).toEqual({
      outputArtifacts: [{ name: 'SourceOutput', location: 'a'.repeat(64) }],
      outputVariables: { CommitId: 'abc' },
      executionSummary: 'Fetched abc',
      externalExecutionUrl: 'https://git.example.com/web/commit/abc',
      sourceRevision: { actionName: 'Compile', revisionType: 'COMMIT_ID', revisionId: 'abc', revisionSummary: 'Fix', revisionUrl: null },
    });
  });

  it.each([
    ['JobFailed', 'JobFailed'],
    ['ConfigurationError', 'ConfigurationError'],
    ['RevisionUnavailable', 'RevisionUnavailable'],
    ['TimedOut', 'JobFailed'],
    ['Stopped', 'JobFailed'],
  ] as const)('reports a %s failure as %s, with its message', (kind, type) => {
    expect(failureResultOf(kind, 'why')).toEqual({ type, message: 'why' });
  });
});
