import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDemoRepository } from './demo-repository';
import { DEMO_PIPELINE, demoPipeline } from './demo-pipeline';
import { dataOf, errorCodes, graphqlRequester } from './graphql-request';

export interface DemoFolders {
  /** Absolute `$SLUICE_DATA_DIR/demo`: the demo's repository. */
  root: string;
  /** Absolute `$SLUICE_DATA_DIR/deployments`, the folder the embedded platform deploys under by default: the demo deploys into its `demo/`. */
  deployments: string;
  /** The admin token: the demo is created through the gateway as the admin. */
  token: string;
}

export type DemoOutcome = { kind: 'kept' } | { kind: 'created'; pipelineExecutionId: string };

// Listing, not getPipeline: a missing pipeline is the normal first start, not an error for the service's log.
const LIST = 'query($after: String) { listPipelines(first: 100, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } }';
type Listed = { listPipelines: { edges: Array<{ node: { name: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
const CREATE = 'mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }';
const START = 'mutation($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId } }';

/** How long the executions service may take to hear of a new pipeline over the bus. */
const KNOWN_WITHIN_MS = 30_000;

/**
 * On the first start only — when the gateway knows no pipeline `demo` — makes the demo repository and
 * creates and starts the demo pipeline through the public GraphQL, as a user would. State lives in the
 * event store, so a restart finds the pipeline and leaves it (and its executions) as they are.
 */
export async function ensureDemoPipeline(gatewayUrl: string, folders: DemoFolders): Promise<DemoOutcome> {
  const gql = graphqlRequester(gatewayUrl, folders.token);
  if (await pipelineExists(gql, DEMO_PIPELINE)) return { kind: 'kept' };

  const repository = join(folders.root, 'repo');
  await createDemoRepository(repository);
  const definition = demoPipeline({ repositoryUrl: pathToFileURL(repository).href, deployPath: join(folders.deployments, 'demo') });
  dataOf(await gql(CREATE, { pipeline: definition }), 'createPipeline(demo)');

  const deadline = Date.now() + KNOWN_WITHIN_MS;
  for (;;) {
    const started = await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(START, { name: DEMO_PIPELINE });
    if (started.data) return { kind: 'created', pipelineExecutionId: started.data.startPipelineExecution.pipelineExecutionId };
    if (!errorCodes(started).includes('NOT_FOUND') || Date.now() > deadline) dataOf(started, 'startPipelineExecution(demo)');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pipelineExists(gql: ReturnType<typeof graphqlRequester>, name: string): Promise<boolean> {
  let after: string | null = null;
  for (;;) {
    const page: Listed['listPipelines'] = dataOf(await gql<Listed>(LIST, { after }), 'listPipelines').listPipelines;
    if (page.edges.some((edge) => edge.node.name === name)) return true;
    if (!page.pageInfo.hasNextPage) return false;
    after = page.pageInfo.endCursor;
  }
}

/** What a person does at the approval: the query for the approval token, then the mutation, both with the admin token. */
export function approvalInstructions(gatewayUrl: string, tokenFile: string): string[] {
  return [
    `The demo pipeline runs Source → Build → Test, then waits at Approval for you. To approve, POST to ${gatewayUrl}/graphql with the header`,
    `"Authorization: Bearer <admin token>" (the token is in ${tokenFile}):`,
    `  query { getPipelineState(name: "${DEMO_PIPELINE}") { stageStates { stageName actionStates { actionName latestExecution { status token } } } } }`,
    `  mutation { putApprovalResult(pipelineName: "${DEMO_PIPELINE}", stageName: "Approval", actionName: "Approve", token: "<token>", result: { status: Approved, summary: "looks good" }) { approvedAt } }`,
    `e.g. curl -s ${gatewayUrl}/graphql -H "authorization: Bearer $(cat ${tokenFile})" -H 'content-type: application/json' -d '{"query":"{ getPipelineState(name: \\"${DEMO_PIPELINE}\\") { stageStates { stageName latestExecution { status } } } }"}'`,
  ];
}
