import { markInstant } from '@sluice/testing';
import { approvalAction, commandsAction, pipeline, stage } from '../domain/testing/fixtures';
import { eventually } from '../testing/eventually';
import { startExecutionsService } from '../testing/executions-service-process';
import { PipelinePublisher } from '../testing/pipeline-publisher';
import { newTestSchema } from '../testing/test-schema';
import { graphqlAs, errorCodes, serviceOnStoreForFile } from '@sluice/graphql-service/testing';

// executionAsOf and pipelineStateAsOf through HTTP POST /graphql, the service in a child process on the real
// PostgreSQL store: an execution waits for an approval, is approved, then waits for a job nobody polls. What the
// live queries answered at marked instants is asked again as of those instants.
const schema = newTestSchema();
const running = serviceOnStoreForFile(schema, startExecutionsService);
let publisher: PipelinePublisher;

beforeAll(() => void (publisher = new PipelinePublisher(running.store)));

const gql = graphqlAs(() => running.service);

const EXECUTION = 'pipelineExecutionId pipelineName pipelineVersion status statusSummary startTime lastUpdateTime executionMode executionType';
const DETAIL = 'actionExecutionId stageName actionName attempt status startTime lastUpdateTime output { executionResult { externalExecutionSummary } }';
const STATE = `pipelineName pipelineVersion updated stageStates { stageName inboundTransitionState { enabled disabledReason }
  latestExecution { pipelineExecutionId status } actionStates { actionName latestExecution { actionExecutionId status summary token lastStatusChange } } }`;
const LIVE = `query($name: String!, $id: ID!) {
  getPipelineState(name: $name) { ${STATE} }
  getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { ${EXECUTION} }
  listActionExecutions(pipelineName: $name, pipelineExecutionId: $id) { nodes { ${DETAIL} } } }`;
const AS_OF = `query($name: String!, $id: ID!, $at: String!) {
  pipelineStateAsOf(pipelineName: $name, at: $at) { at state { ${STATE} } }
  executionAsOf(pipelineExecutionId: $id, at: $at) { at pipelineExecution { ${EXECUTION} } actionExecutions { ${DETAIL} } } }`;

interface Live {
  getPipelineState: { stageStates: Array<{ actionStates: Array<{ latestExecution: { token: string | null; status: string } | null }>; latestExecution: { status: string } | null }> };
  getPipelineExecution: { status: string };
  listActionExecutions: { nodes: unknown[] };
}

describe('as-of queries over HTTP', () => {
  it('answers as the live queries answered at each instant', async () => {
    const before = await markInstant();
    await publisher.publish(pipeline([stage('Gate', [approvalAction('Approve')]), stage('Deploy', [commandsAction('Ship')])], { name: 'release' }));
    await eventually(async () => (await gql(`query { getPipelineState(name: "release") { pipelineVersion } }`)).data?.getPipelineState?.pipelineVersion === 1, () => 'release v1 unknown');
    const started = await gql(`mutation { startPipelineExecution(name: "release") { pipelineExecutionId } }`);
    const id = started.data!.startPipelineExecution.pipelineExecutionId as string;
    let live: Live | undefined;
    const read = async () => (live = (await gql(LIVE, { name: 'release', id })).data as Live);
    await eventually(async () => (await read()).getPipelineState.stageStates[0]!.actionStates[0]!.latestExecution?.token != null, () => 'no approval waits');
    const waiting = await markInstant();
    const seenWaiting = await read();
    const token = seenWaiting.getPipelineState.stageStates[0]!.actionStates[0]!.latestExecution!.token;
    const approved = await gql(
      `mutation($token: String!) { putApprovalResult(pipelineName: "release", stageName: "Gate", actionName: "Approve", token: $token, result: { status: Approved, summary: "ship it" }) { approvedAt } }`,
      { token },
    );
    expect(approved.errors).toBeUndefined();
    await eventually(async () => (await read()).getPipelineState.stageStates[1]!.latestExecution?.status === 'InProgress', () => `Deploy did not start: ${JSON.stringify(live)}`);
    const deploying = await markInstant();
    const seenDeploying = await read();

    for (const [at, seen] of [
      [waiting, seenWaiting],
      [deploying, seenDeploying],
    ] as const) {
      const answer = await gql(AS_OF, { name: 'release', id, at });
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({
        pipelineStateAsOf: { at, state: seen.getPipelineState },
        executionAsOf: { at, pipelineExecution: seen.getPipelineExecution, actionExecutions: seen.listActionExecutions.nodes },
      });
    }
    const then = (await gql(AS_OF, { name: 'release', id, at: waiting })).data!;
    expect(then.pipelineStateAsOf.state.stageStates[0].actionStates[0].latestExecution).toMatchObject({ status: 'InProgress', token });
    expect(then.executionAsOf.actionExecutions.map((d: { actionName: string; status: string }) => [d.actionName, d.status])).toEqual([['Approve', 'InProgress']]);

    const STATE_AS_OF = `query($at: String!) { pipelineStateAsOf(pipelineName: "release", at: $at) { at } }`;
    const EXECUTION_AS_OF = `query($id: ID!, $at: String!) { executionAsOf(pipelineExecutionId: $id, at: $at) { at } }`;
    const missingState = await gql(STATE_AS_OF, { at: before });
    expect(errorCodes(missingState)).toEqual(['NOT_FOUND']);
    expect(missingState.errors![0]!.message).toBe(`Pipeline 'release' did not exist at ${before}.`);
    const missingExecution = await gql(EXECUTION_AS_OF, { id, at: before });
    expect(errorCodes(missingExecution)).toEqual(['NOT_FOUND']);
    expect(missingExecution.errors![0]!.message).toBe(`The execution '${id}' did not exist at ${before}.`);
    expect(errorCodes(await gql(STATE_AS_OF, { at: deploying }, 'globex'))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(EXECUTION_AS_OF, { id, at: deploying }, 'globex'))).toEqual(['NOT_FOUND']);
  });

  it('refuses an `at` that is not an ISO instant with BAD_USER_INPUT naming at', async () => {
    const answer = await gql(`query { pipelineStateAsOf(pipelineName: "release", at: "tomorrow") { at } }`);
    expect(errorCodes(answer)).toEqual(['BAD_USER_INPUT']);
    expect((answer.errors![0]!.extensions as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path)).toEqual(['at']);
  });
});
