// The gateway operations the dashboard uses, in CodePipeline's names, with the shapes it reads.
import { request } from './graphql';

export interface StageSummary {
  stageName: string;
  latestExecution: { pipelineExecutionId: string; status: string } | null;
}

export interface PipelineSummary {
  name: string;
  metadata: { updated: string };
  state: { updated: string | null; stageStates: StageSummary[] } | null;
}

export async function listPipelines(): Promise<PipelineSummary[]> {
  const all: PipelineSummary[] = [];
  let after: string | null = null;
  do {
    const page: { listPipelines: { edges: Array<{ node: PipelineSummary }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = await request(
      `query Pipelines($after: String) { listPipelines(first: 100, after: $after) {
        edges { node { name metadata { updated } state { updated stageStates { stageName latestExecution { pipelineExecutionId status } } } } }
        pageInfo { hasNextPage endCursor } } }`,
      { after },
    );
    all.push(...page.listPipelines.edges.map((e) => e.node));
    after = page.listPipelines.pageInfo.hasNextPage ? page.listPipelines.pageInfo.endCursor : null;
  } while (after !== null);
  return all;
}

export interface ActionDefinition {
  name: string;
  runOrder?: number;
  actionTypeId: { category: string; owner: string; provider: string; version: string };
}

export interface PipelineDefinition {
  name: string;
  stages: Array<{ name: string; actions: ActionDefinition[] }>;
}

export interface ActionExecutionState {
  actionExecutionId: string;
  pipelineExecutionId: string;
  status: string;
  summary: string | null;
  token: string | null;
  errorDetails: string | null;
  lastStatusChange: string;
}

export interface StageState {
  stageName: string;
  inboundTransitionState: { enabled: boolean; disabledReason: string | null; lastChangedBy: string | null; lastChangedAt: string | null };
  latestExecution: { pipelineExecutionId: string; status: string } | null;
  actionStates: Array<{ actionName: string; latestExecution: ActionExecutionState | null }>;
}

export interface ExecutionSummary {
  pipelineExecutionId: string;
  status: string;
  statusSummary: string | null;
  startTime: string;
  lastUpdateTime: string;
  trigger: { triggerType: string; triggerDetail: string };
  sourceRevisions: Array<{ actionName: string; revisionId: string; revisionSummary: string | null; revisionUrl: string | null }>;
}

export interface ActionExecutionDetail {
  pipelineExecutionId: string;
  actionExecutionId: string;
  stageName: string;
  actionName: string;
  attempt: number;
  runOrder: number;
  status: string;
  startTime: string;
  lastUpdateTime: string;
  durationMs: number | null;
  output: { executionResult: { externalExecutionSummary: string | null; errorDetails: string | null } };
}

export interface PipelineView {
  pipeline: { name: string; pipeline: PipelineDefinition; metadata: { version: number; updated: string }; state: { stageStates: StageState[]; updated: string | null } | null };
  executions: ExecutionSummary[];
  actions: ActionExecutionDetail[];
}

const EXECUTION_FIELDS = `pipelineExecutionId status statusSummary startTime lastUpdateTime trigger { triggerType triggerDetail }
  sourceRevisions { actionName revisionId revisionSummary revisionUrl }`;
const ACTION_FIELDS = `pipelineExecutionId actionExecutionId stageName actionName attempt runOrder status startTime lastUpdateTime durationMs
  output { executionResult { externalExecutionSummary errorDetails } }`;

/** Definition, state, the recent executions and their action attempts: everything the pipeline view draws. */
export async function loadPipelineView(name: string): Promise<PipelineView> {
  const data = await request<{
    getPipeline: PipelineView['pipeline'];
    listPipelineExecutions: { nodes: ExecutionSummary[] };
    listActionExecutions: { nodes: ActionExecutionDetail[] };
  }>(
    `query PipelineView($name: String!) {
      getPipeline(name: $name) { name pipeline metadata { version updated }
        state { updated stageStates { stageName
          inboundTransitionState { enabled disabledReason lastChangedBy lastChangedAt }
          latestExecution { pipelineExecutionId status }
          actionStates { actionName latestExecution { actionExecutionId pipelineExecutionId status summary token errorDetails lastStatusChange } } } } }
      listPipelineExecutions(pipelineName: $name, first: 20) { nodes { ${EXECUTION_FIELDS} } }
      listActionExecutions(pipelineName: $name, first: 200) { nodes { ${ACTION_FIELDS} } }
    }`,
    { name },
  );
  return { pipeline: data.getPipeline, executions: data.listPipelineExecutions.nodes, actions: data.listActionExecutions.nodes };
}

export interface ExecutionView {
  execution: ExecutionSummary & { variables: Array<{ name: string; value: string }> };
  actions: ActionExecutionDetail[];
}

export async function loadExecutionView(pipelineName: string, executionId: string): Promise<ExecutionView> {
  const data = await request<{ getPipelineExecution: ExecutionView['execution']; listActionExecutions: { nodes: ActionExecutionDetail[] } }>(
    `query ExecutionView($name: String!, $id: ID!) {
      getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { ${EXECUTION_FIELDS} variables { name value } }
      listActionExecutions(pipelineName: $name, pipelineExecutionId: $id, first: 500) { nodes { ${ACTION_FIELDS} } }
    }`,
    { name: pipelineName, id: executionId },
  );
  return { execution: data.getPipelineExecution, actions: data.listActionExecutions.nodes };
}

export const startPipelineExecution = (name: string) =>
  request<{ startPipelineExecution: { pipelineExecutionId: string } }>(
    'mutation Release($name: String!) { startPipelineExecution(name: $name) { pipelineExecutionId } }',
    { name },
  );

export const stopPipelineExecution = (pipelineName: string, pipelineExecutionId: string, abandon: boolean, reason: string) =>
  request('mutation Stop($p: String!, $id: ID!, $abandon: Boolean, $reason: String) { stopPipelineExecution(pipelineName: $p, pipelineExecutionId: $id, abandon: $abandon, reason: $reason) { status } }', {
    p: pipelineName,
    id: pipelineExecutionId,
    abandon,
    reason: reason || null,
  });

export const retryStageExecution = (pipelineName: string, stageName: string, pipelineExecutionId: string) =>
  request('mutation Retry($p: String!, $s: String!, $id: ID!) { retryStageExecution(pipelineName: $p, stageName: $s, pipelineExecutionId: $id, retryMode: FAILED_ACTIONS) { status } }', {
    p: pipelineName,
    s: stageName,
    id: pipelineExecutionId,
  });

export const putApprovalResult = (pipelineName: string, stageName: string, actionName: string, token: string, status: 'Approved' | 'Rejected', summary: string) =>
  request(
    `mutation Approval($p: String!, $s: String!, $a: String!, $token: String!, $status: ApprovalStatus!, $summary: String!) {
      putApprovalResult(pipelineName: $p, stageName: $s, actionName: $a, token: $token, result: { status: $status, summary: $summary }) { approvedAt } }`,
    { p: pipelineName, s: stageName, a: actionName, token, status, summary },
  );

export const disableStageTransition = (pipelineName: string, stageName: string, reason: string) =>
  request('mutation Disable($p: String!, $s: String!, $r: String!) { disableStageTransition(pipelineName: $p, stageName: $s, transitionType: Inbound, reason: $r) { enabled } }', {
    p: pipelineName,
    s: stageName,
    r: reason,
  });

export const enableStageTransition = (pipelineName: string, stageName: string) =>
  request('mutation Enable($p: String!, $s: String!) { enableStageTransition(pipelineName: $p, stageName: $s, transitionType: Inbound) { enabled } }', {
    p: pipelineName,
    s: stageName,
  });

export const EXECUTION_UPDATED = 'subscription Updates($p: String, $id: ID) { executionUpdated(pipelineName: $p, executionId: $id) { cursor pipelineName pipelineExecutionId status stageName actionName eventType at } }';
export const PIPELINE_STATE_CHANGED = 'subscription State($p: String!) { pipelineStateChanged(pipelineName: $p) { cursor pipelineName pipelineExecutionId status stageName actionName eventType at } }';

export interface LiveChange {
  cursor: string;
  pipelineName: string;
  pipelineExecutionId: string | null;
  status: string | null;
  stageName: string | null;
  actionName: string | null;
  eventType: string;
  at: string;
}

export interface LogEntry {
  cursor: string;
  stageName: string;
  actionName: string;
  actionExecutionId: string;
  stream: string;
  chunk: string;
  at: string;
}

const LOG_FIELDS = 'cursor stageName actionName actionExecutionId stream chunk at';

/** Every stored chunk of the execution's action logs, and the cursor to go live after. */
export async function loadActionLogs(pipelineExecutionId: string): Promise<{ entries: LogEntry[]; endCursor: string | null }> {
  const entries: LogEntry[] = [];
  let after: string | null = null;
  for (;;) {
    const page: { actionLogs: { entries: LogEntry[]; endCursor: string | null; hasNextPage: boolean } } = await request(
      `query Logs($id: ID!, $after: String) { actionLogs(pipelineExecutionId: $id, after: $after, first: 5000) { entries { ${LOG_FIELDS} } endCursor hasNextPage } }`,
      { id: pipelineExecutionId, after },
    );
    entries.push(...page.actionLogs.entries);
    after = page.actionLogs.endCursor;
    if (!page.actionLogs.hasNextPage) return { entries, endCursor: after };
  }
}

export const ACTION_LOG_APPENDED = `subscription LiveLogs($id: ID!, $after: String) { actionLogAppended(executionId: $id, after: $after) { ${LOG_FIELDS} } }`;
