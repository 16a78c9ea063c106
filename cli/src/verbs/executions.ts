import { nextTokenOf, pageVariables, pagingParameters, type PageInfo } from '../paging';
import type { Verb } from '../verb';

export const EXECUTION_FIELDS = `pipelineExecutionId pipelineName pipelineVersion status statusSummary startTime lastUpdateTime executionMode executionType
  trigger { triggerType triggerDetail } sourceRevisions { actionName revisionType revisionId revisionSummary revisionUrl }
  variables { name value } stopTrigger { reason } rollbackMetadata { rollbackTargetPipelineExecutionId }`;

export interface ExecutionAnswer {
  pipelineExecutionId: string;
  pipelineName: string;
  status: string;
  statusSummary: string | null;
  [field: string]: unknown;
}

const STATE_FIELDS = `pipelineName pipelineVersion updated stageStates {
  stageName inboundTransitionState { enabled disabledReason lastChangedBy lastChangedAt }
  latestExecution { pipelineExecutionId status }
  actionStates { actionName latestExecution { actionExecutionId pipelineExecutionId status summary externalExecutionId externalExecutionUrl token errorDetails lastStatusChange } }
}`;

export interface PipelineStateAnswer {
  pipelineName: string | null;
  stageStates: Array<{
    stageName: string;
    latestExecution: { pipelineExecutionId: string; status: string } | null;
    actionStates: Array<{ actionName: string; latestExecution: { status: string; token: string | null; pipelineExecutionId: string } | null }>;
  }>;
}

export async function pipelineState(gateway: { request<T>(q: string, v: Record<string, unknown>): Promise<T> }, name: string): Promise<PipelineStateAnswer> {
  const data = await gateway.request<{ getPipelineState: PipelineStateAnswer }>(`query($name: String!) { getPipelineState(name: $name) { ${STATE_FIELDS} } }`, { name });
  return data.getPipelineState;
}

const pipelineAndExecution = [
  { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
  { name: 'pipelineExecutionId', type: 'string', required: true, description: 'The execution.' },
] as const;

export const executionVerbs: Verb[] = [
  {
    name: 'start-pipeline-execution',
    summary: 'Releases a change: starts an execution with the sources’ latest revisions (or the ones given).',
    parameters: [
      { name: 'name', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'variables', type: 'list', description: 'Pipeline variable overrides: name=Env,value=prod …', skeleton: [{ name: '', value: '' }] },
      { name: 'sourceRevisions', type: 'list', description: 'Pinned revisions: actionName=Source,revisionType=COMMIT_ID,revisionValue=abc …', skeleton: [{ actionName: '', revisionType: 'COMMIT_ID', revisionValue: '' }] },
      { name: 'clientRequestToken', type: 'string', description: 'Repeating a start with the same token starts nothing new.' },
    ],
    examples: ['sluice start-pipeline-execution --name web', 'sluice start-pipeline-execution --name web --variables name=Environment,value=prod'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ startPipelineExecution: { pipelineExecutionId: string } }>(
        `mutation($name: String!, $variables: [PipelineVariableInput!], $sourceRevisions: [SourceRevisionOverrideInput!], $clientRequestToken: String) {
          startPipelineExecution(name: $name, variables: $variables, sourceRevisions: $sourceRevisions, clientRequestToken: $clientRequestToken) { pipelineExecutionId }
        }`,
        { name: input['name'], variables: input['variables'] ?? null, sourceRevisions: input['sourceRevisions'] ?? null, clientRequestToken: input['clientRequestToken'] ?? null },
      );
      return { pipelineExecutionId: data.startPipelineExecution.pipelineExecutionId };
    },
  },
  {
    name: 'stop-pipeline-execution',
    summary: 'Stops an execution: lets running actions finish, or --abandon them.',
    parameters: [...pipelineAndExecution, { name: 'abandon', type: 'boolean', description: 'Abandon running actions instead of waiting.' }, { name: 'reason', type: 'string', description: 'Why.' }],
    examples: ['sluice stop-pipeline-execution --pipeline-name web --pipeline-execution-id 3f1c… --abandon --reason "bad commit"'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ stopPipelineExecution: { pipelineExecutionId: string } }>(
        `mutation($pipelineName: String!, $pipelineExecutionId: ID!, $abandon: Boolean, $reason: String) {
          stopPipelineExecution(pipelineName: $pipelineName, pipelineExecutionId: $pipelineExecutionId, abandon: $abandon, reason: $reason) { pipelineExecutionId }
        }`,
        { ...input, abandon: input['abandon'] === true, reason: input['reason'] ?? null },
      );
      return { pipelineExecutionId: data.stopPipelineExecution.pipelineExecutionId };
    },
  },
  {
    name: 'get-pipeline-state',
    summary: 'Shows where each stage and action of a pipeline is, with approval tokens while they wait.',
    parameters: [{ name: 'name', type: 'string', required: true, description: 'The pipeline.' }],
    examples: ["sluice get-pipeline-state --name web --query 'stageStates[].[stageName, latestExecution.status]' --output text"],
    async run(input, { gateway }) {
      return pipelineState(gateway, input['name'] as string);
    },
  },
  {
    name: 'get-pipeline-execution',
    summary: 'Shows one execution: status, trigger, source revisions, variables.',
    parameters: [...pipelineAndExecution],
    examples: ['sluice get-pipeline-execution --pipeline-name web --pipeline-execution-id 3f1c…'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ getPipelineExecution: ExecutionAnswer }>(
        `query($pipelineName: String!, $pipelineExecutionId: ID!) { getPipelineExecution(pipelineName: $pipelineName, pipelineExecutionId: $pipelineExecutionId) { ${EXECUTION_FIELDS} } }`,
        input,
      );
      return { pipelineExecution: data.getPipelineExecution };
    },
  },
  {
    name: 'list-pipeline-executions',
    summary: 'Lists a pipeline’s executions, newest first.',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'filter', type: 'structure', description: 'statuses / triggerTypes, as JSON.', skeleton: { statuses: ['Failed'], triggerTypes: ['Webhook'] } },
      ...pagingParameters(),
    ],
    paginated: { items: 'pipelineExecutionSummaries' },
    examples: ["sluice list-pipeline-executions --pipeline-name web --max-results 10 --no-paginate --output table"],
    async run(input, { gateway }) {
      const data = await gateway.request<{ listPipelineExecutions: { nodes: ExecutionAnswer[]; pageInfo: PageInfo } }>(
        `query($pipelineName: String!, $first: Int, $after: String, $filter: PipelineExecutionFilterInput) {
          listPipelineExecutions(pipelineName: $pipelineName, first: $first, after: $after, filter: $filter) { nodes { ${EXECUTION_FIELDS} } pageInfo { hasNextPage endCursor } }
        }`,
        { pipelineName: input['pipelineName'], ...pageVariables(input), filter: input['filter'] ?? null },
      );
      const page = data.listPipelineExecutions;
      return { pipelineExecutionSummaries: page.nodes, ...nextTokenOf(page.pageInfo) };
    },
  },
  {
    name: 'list-action-executions',
    summary: 'Lists action attempts with their inputs, resolved configuration, outputs and results.',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'filter', type: 'structure', description: 'pipelineExecutionId=… to list one execution’s actions.', skeleton: { pipelineExecutionId: '' } },
      ...pagingParameters(),
    ],
    paginated: { items: 'actionExecutionDetails' },
    examples: ['sluice list-action-executions --pipeline-name web --filter pipelineExecutionId=3f1c…'],
    async run(input, { gateway }) {
      const filter = (input['filter'] ?? {}) as { pipelineExecutionId?: string };
      const data = await gateway.request<{ listActionExecutions: { nodes: unknown[]; pageInfo: PageInfo } }>(
        `query($pipelineName: String!, $pipelineExecutionId: ID, $first: Int, $after: String) {
          listActionExecutions(pipelineName: $pipelineName, pipelineExecutionId: $pipelineExecutionId, first: $first, after: $after) {
            nodes { pipelineExecutionId actionExecutionId pipelineVersion stageName actionName attempt runOrder status startTime lastUpdateTime durationMs
              input { actionTypeId { category owner provider version } configuration resolvedConfiguration inputArtifacts { name location } namespace }
              output { outputArtifacts { name location } outputVariables executionResult { externalExecutionId externalExecutionSummary externalExecutionUrl errorDetails } } }
            pageInfo { hasNextPage endCursor }
          }
        }`,
        { pipelineName: input['pipelineName'], pipelineExecutionId: filter.pipelineExecutionId ?? null, ...pageVariables(input) },
      );
      const page = data.listActionExecutions;
      return { actionExecutionDetails: page.nodes, ...nextTokenOf(page.pageInfo) };
    },
  },
  {
    name: 'retry-stage-execution',
    summary: 'Retries a failed stage of an execution: its failed actions, or all of them.',
    parameters: [
      ...pipelineAndExecution,
      { name: 'stageName', type: 'string', required: true, description: 'The failed stage.' },
      { name: 'retryMode', type: 'string', required: true, enum: ['FAILED_ACTIONS', 'ALL_ACTIONS'], description: 'Which actions run again.' },
    ],
    examples: ['sluice retry-stage-execution --pipeline-name web --stage-name Build --pipeline-execution-id 3f1c… --retry-mode FAILED_ACTIONS'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ retryStageExecution: { pipelineExecutionId: string } }>(
        `mutation($pipelineName: String!, $stageName: String!, $pipelineExecutionId: ID!, $retryMode: StageRetryMode!) {
          retryStageExecution(pipelineName: $pipelineName, stageName: $stageName, pipelineExecutionId: $pipelineExecutionId, retryMode: $retryMode) { pipelineExecutionId }
        }`,
        input,
      );
      return { pipelineExecutionId: data.retryStageExecution.pipelineExecutionId };
    },
  },
  {
    name: 'rollback-stage',
    summary: 'Runs a stage again with the inputs of an earlier execution that succeeded through it.',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'stageName', type: 'string', required: true, description: 'The stage to roll back.' },
      { name: 'targetPipelineExecutionId', type: 'string', required: true, description: 'The execution whose inputs to use.' },
    ],
    examples: ['sluice rollback-stage --pipeline-name web --stage-name Deploy --target-pipeline-execution-id 3f1c…'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ rollbackStage: { pipelineExecutionId: string } }>(
        `mutation($pipelineName: String!, $stageName: String!, $targetPipelineExecutionId: ID!) {
          rollbackStage(pipelineName: $pipelineName, stageName: $stageName, targetPipelineExecutionId: $targetPipelineExecutionId) { pipelineExecutionId }
        }`,
        input,
      );
      return { pipelineExecutionId: data.rollbackStage.pipelineExecutionId };
    },
  },
  {
    name: 'put-approval-result',
    summary: 'Approves or rejects a manual approval that waits (the token is in get-pipeline-state).',
    parameters: [
      { name: 'pipelineName', type: 'string', required: true, description: 'The pipeline.' },
      { name: 'stageName', type: 'string', required: true, description: 'The stage.' },
      { name: 'actionName', type: 'string', required: true, description: 'The approval action.' },
      { name: 'result', type: 'structure', required: true, description: 'summary="…",status=Approved|Rejected', skeleton: { summary: '', status: 'Approved' } },
      { name: 'token', type: 'string', required: true, description: 'The approval’s token.' },
    ],
    examples: ['sluice put-approval-result --pipeline-name web --stage-name Approval --action-name Approve --result summary="looks good",status=Approved --token 1a2b…'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ putApprovalResult: { approvedAt: string } }>(
        `mutation($pipelineName: String!, $stageName: String!, $actionName: String!, $result: ApprovalResultInput!, $token: String!) {
          putApprovalResult(pipelineName: $pipelineName, stageName: $stageName, actionName: $actionName, result: $result, token: $token) { approvedAt }
        }`,
        input,
      );
      return { approvedAt: data.putApprovalResult.approvedAt };
    },
  },
];
