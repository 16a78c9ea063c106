import type { Verb } from '../verb';

const ACTION_TYPE_ID = { name: 'actionTypeId', type: 'structure', required: true, description: 'category=Test,owner=Custom,provider=HttpCheck,version=1', skeleton: { category: 'Test', owner: 'Custom', provider: '', version: '1' } } as const;

/** The job-worker protocol, for scripts that act as a custom action's worker. */
export const jobVerbs: Verb[] = [
  {
    name: 'poll-for-jobs',
    summary: 'Takes up to --max-batch-size jobs of a custom action type (waits up to --wait-ms for one).',
    parameters: [
      ACTION_TYPE_ID,
      { name: 'maxBatchSize', type: 'integer', description: 'At most this many jobs (default 1).' },
      { name: 'waitMs', type: 'integer', description: 'Long poll: wait up to this long when no job waits (at most 20000).' },
    ],
    examples: ['sluice poll-for-jobs --action-type-id category=Test,owner=Custom,provider=HttpCheck,version=1 --wait-ms 20000'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ pollForJobs: unknown[] }>(
        `mutation($actionTypeId: ActionTypeIdInput!, $maxBatchSize: Int, $waitMs: Int) {
          pollForJobs(actionTypeId: $actionTypeId, maxBatchSize: $maxBatchSize, waitMs: $waitMs) {
            id nonce accountId data { pipelineName pipelineExecutionId stageName actionName actionExecutionId actionTypeId { category owner provider version }
              configuration inputArtifacts { name location } outputArtifacts { name files } outputVariables continuationToken deadline }
          }
        }`,
        { actionTypeId: input['actionTypeId'], maxBatchSize: input['maxBatchSize'] ?? 1, waitMs: input['waitMs'] ?? 0 },
      );
      return { jobs: data.pollForJobs };
    },
  },
  {
    name: 'acknowledge-job',
    summary: 'Confirms this worker took the job (with the nonce poll-for-jobs gave).',
    parameters: [
      { name: 'jobId', type: 'string', required: true, description: 'The job.' },
      { name: 'nonce', type: 'string', required: true, description: 'The job’s nonce.' },
    ],
    examples: ['sluice acknowledge-job --job-id 7c9e… --nonce 41d2…'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ acknowledgeJob: { status: string } }>(`mutation($jobId: ID!, $nonce: String!) { acknowledgeJob(jobId: $jobId, nonce: $nonce) { status } }`, input);
      return { status: data.acknowledgeJob.status };
    },
  },
  {
    name: 'put-job-success-result',
    summary: 'Reports a job done, with output variables and a summary.',
    parameters: [
      { name: 'jobId', type: 'string', required: true, description: 'The job.' },
      { name: 'outputVariables', type: 'map', description: 'Variables the action exports: NAME=value,…', skeleton: { NAME: '' } },
      { name: 'executionDetails', type: 'structure', description: 'summary=…,externalExecutionId=…', skeleton: { summary: '', externalExecutionId: '', percentComplete: 0 } },
      { name: 'continuationToken', type: 'string', description: 'Work goes on in a follow-up job that gets this token.' },
    ],
    examples: ['sluice put-job-success-result --job-id 7c9e… --output-variables STATUS=200 --execution-details summary="200 OK"'],
    async run(input, { gateway }) {
      const variables = Object.entries((input['outputVariables'] ?? {}) as Record<string, unknown>).map(([name, value]) => ({ name, value: String(value) }));
      const details = input['executionDetails'] as { summary?: string; externalExecutionId?: string } | undefined;
      await gateway.request(
        `mutation($jobId: ID!, $outputVariables: [OutputVariableInput!], $executionDetails: ExecutionDetailsInput, $continuationToken: String) {
          putJobSuccessResult(jobId: $jobId, outputVariables: $outputVariables, executionDetails: $executionDetails, continuationToken: $continuationToken)
        }`,
        {
          jobId: input['jobId'],
          outputVariables: variables.length > 0 ? variables : null,
          executionDetails: details ? { summary: details.summary ?? null, externalExecutionId: details.externalExecutionId ?? null } : null,
          continuationToken: input['continuationToken'] ?? null,
        },
      );
      return undefined;
    },
  },
  {
    name: 'put-job-failure-result',
    summary: 'Reports a job failed, with the reason.',
    parameters: [
      { name: 'jobId', type: 'string', required: true, description: 'The job.' },
      {
        name: 'failureDetails',
        type: 'structure',
        required: true,
        description: 'type=JobFailed,message="…"',
        skeleton: { type: 'JobFailed', message: '', externalExecutionId: '' },
      },
    ],
    examples: ['sluice put-job-failure-result --job-id 7c9e… --failure-details type=JobFailed,message="503 from the health check"'],
    async run(input, { gateway }) {
      await gateway.request(`mutation($jobId: ID!, $failureDetails: FailureDetailsInput!) { putJobFailureResult(jobId: $jobId, failureDetails: $failureDetails) }`, input);
      return undefined;
    },
  },
];
