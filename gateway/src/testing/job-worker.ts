import type { gatewayClient } from './gateway-client';

interface Job {
  id: string;
  nonce: string;
  data: { stageName: string; actionName: string; outputArtifacts: Array<{ name: string }> };
}

const SOURCE = { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' };
const BUILD = { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' };
const EXECUTION = 'query($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { status } }';
const POLL = `mutation($actionTypeId: ActionTypeIdInput!) {
  pollForJobs(actionTypeId: $actionTypeId, maxBatchSize: 10, waitMs: 200) { id nonce data { stageName actionName outputArtifacts { name } } } }`;
const ACK = 'mutation($jobId: ID!, $nonce: String!) { acknowledgeJob(jobId: $jobId, nonce: $nonce) { status } }';
const SUCCEED = 'mutation($jobId: ID!, $outputArtifacts: [ArtifactLocationInput!]) { putJobSuccessResult(jobId: $jobId, outputArtifacts: $outputArtifacts) }';

/** Polls until `attempt` returns a value; the last answer is in the failure message. */
export async function eventually<T>(attempt: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A worker on the gateway's job API: polls both action types of `twoStagePipeline`, acknowledges, succeeds, until the execution ends. */
export async function workUntilFinished(
  gql: ReturnType<typeof gatewayClient>,
  pipelineName: string,
  executionId: string,
): Promise<{ status: string; jobs: string[] }> {
  const jobs: string[] = [];
  const status = await eventually(async () => {
    for (const actionTypeId of [SOURCE, BUILD]) {
      const polled = await gql<{ pollForJobs: Job[] }>(POLL, { actionTypeId });
      expect(polled.errors).toBeUndefined();
      for (const job of polled.data!.pollForJobs) {
        expect((await gql(ACK, { jobId: job.id, nonce: job.nonce })).errors).toBeUndefined();
        const outputArtifacts = job.data.outputArtifacts.map((a) => ({ name: a.name, location: `sha256:${job.id}:${a.name}` }));
        expect((await gql(SUCCEED, { jobId: job.id, outputArtifacts })).errors).toBeUndefined();
        jobs.push(`${job.data.stageName}/${job.data.actionName}`);
      }
    }
    const execution = await gql<{ getPipelineExecution: { status: string } }>(EXECUTION, { name: pipelineName, id: executionId });
    const current = execution.data?.getPipelineExecution.status;
    return current === 'InProgress' || current === undefined ? undefined : current;
  }, `execution ${executionId} to finish`, 60_000);
  return { status, jobs };
}
