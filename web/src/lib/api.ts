// The gateway operations the dashboard uses, in CodePipeline's names, with the shapes it reads.
import { request, requestEach } from './graphql';

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

/** Each pipeline's newest execution (its id and status), asked in batches of 50 aliased fields; absent for a pipeline that never ran or that the principal may not list. */
export async function newestExecutions(names: readonly string[]): Promise<Map<string, { pipelineExecutionId: string; status: string }>> {
  const newest = new Map<string, { pipelineExecutionId: string; status: string }>();
  for (let start = 0; start < names.length; start += 50) {
    const batch = names.slice(start, start + 50);
    if (batch.length === 0) continue;
    const query = `query Newest(${batch.map((_, i) => `$n${i}: String!`).join(', ')}) { ${batch
      .map((_, i) => `e${i}: listPipelineExecutions(pipelineName: $n${i}, first: 1) { nodes { pipelineExecutionId status } }`)
      .join(' ')} }`;
    const data = await requestEach<Record<string, { nodes: Array<{ pipelineExecutionId: string; status: string }> } | null>>(query, Object.fromEntries(batch.map((name, i) => [`n${i}`, name])));
    batch.forEach((name, i) => {
      const node = data[`e${i}`]?.nodes[0];
      if (node) newest.set(name, node);
    });
  }
  return newest;
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
  /** STANDARD, ROLLBACK or RERUN. */
  executionType: string;
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
  /** Who answered a manual approval; null for other actions. */
  updatedBy: string | null;
  output: { executionResult: { externalExecutionSummary: string | null; errorDetails: string | null } };
}

export interface PipelineView {
  pipeline: { name: string; pipeline: PipelineDefinition; metadata: { version: number; updated: string }; state: { stageStates: StageState[]; updated: string | null } | null };
  executions: ExecutionSummary[];
  actions: ActionExecutionDetail[];
}

const EXECUTION_FIELDS = `pipelineExecutionId status statusSummary startTime lastUpdateTime trigger { triggerType triggerDetail } executionType
  sourceRevisions { actionName revisionId revisionSummary revisionUrl }`;
const ACTION_FIELDS = `pipelineExecutionId actionExecutionId stageName actionName attempt runOrder status startTime lastUpdateTime durationMs updatedBy
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

/** The definition, the last `runs` executions and the newest action attempts: what the trends are drawn from. */
export async function loadTrendData(name: string, runs: number): Promise<{ definition: PipelineDefinition; executions: ExecutionSummary[]; actions: ActionExecutionDetail[] }> {
  const data = await request<{ getPipeline: { pipeline: PipelineDefinition }; listPipelineExecutions: { nodes: ExecutionSummary[] }; listActionExecutions: { nodes: ActionExecutionDetail[] } }>(
    `query Trends($name: String!, $runs: Int!) {
      getPipeline(name: $name) { pipeline }
      listPipelineExecutions(pipelineName: $name, first: $runs) { nodes { ${EXECUTION_FIELDS} } }
      listActionExecutions(pipelineName: $name, first: 1000) { nodes { ${ACTION_FIELDS} } }
    }`,
    { name, runs },
  );
  return { definition: data.getPipeline.pipeline, executions: data.listPipelineExecutions.nodes, actions: data.listActionExecutions.nodes };
}

export interface ExecutionView {
  execution: ExecutionSummary & { variables: Array<{ name: string; value: string }>; pipelineVersion: number };
  actions: ActionExecutionDetail[];
}

/** The definition a version of a pipeline had (the one an execution ran), for the stages an execution did not reach. */
export async function loadDefinition(name: string, version: number): Promise<PipelineDefinition> {
  const data = await request<{ getPipeline: { pipeline: PipelineDefinition } }>('query Definition($name: String!, $version: Int) { getPipeline(name: $name, version: $version) { pipeline } }', { name, version });
  return data.getPipeline.pipeline;
}

export async function loadExecutionView(pipelineName: string, executionId: string): Promise<ExecutionView> {
  const data = await request<{ getPipelineExecution: ExecutionView['execution']; listActionExecutions: { nodes: ActionExecutionDetail[] } }>(
    `query ExecutionView($name: String!, $id: ID!) {
      getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { ${EXECUTION_FIELDS} pipelineVersion variables { name value } }
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

export const EXECUTION_UPDATED = 'subscription Updates($p: String, $id: ID, $after: String) { executionUpdated(pipelineName: $p, executionId: $id, after: $after) { cursor pipelineName pipelineExecutionId status stageName actionName eventType at } }';
export const PIPELINE_STATE_CHANGED = 'subscription State($p: String!, $after: String) { pipelineStateChanged(pipelineName: $p, after: $after) { cursor pipelineName pipelineExecutionId status stageName actionName eventType at } }';

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

/** The statuses and trigger types `listPipelineExecutions` filters on (PipelineExecutionStatus, TriggerType). */
export const EXECUTION_STATUSES = ['InProgress', 'Stopping', 'Stopped', 'Succeeded', 'Superseded', 'Failed'] as const;
export const TRIGGER_TYPES = ['StartPipelineExecution', 'CreatePipeline', 'PollForSourceChanges', 'Webhook', 'RollbackStage', 'RerunStage', 'AutomatedRollback', 'PutActionRevision', 'PipelineInvoke'] as const;

export interface ExecutionFilter {
  statuses?: string[];
  triggerTypes?: string[];
}

export type HistoryExecution = ExecutionSummary & { pipelineVersion: number };

/** One page of a pipeline's executions, newest first, filtered. */
export async function listExecutionsPage(
  pipelineName: string,
  filter: ExecutionFilter,
  first: number,
  after: string | null,
): Promise<{ executions: HistoryExecution[]; hasNextPage: boolean; endCursor: string | null }> {
  const data = await request<{ listPipelineExecutions: { nodes: HistoryExecution[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query History($name: String!, $first: Int, $after: String, $filter: PipelineExecutionFilterInput) {
      listPipelineExecutions(pipelineName: $name, first: $first, after: $after, filter: $filter) { nodes { ${EXECUTION_FIELDS} pipelineVersion } pageInfo { hasNextPage endCursor } } }`,
    {
      name: pipelineName,
      first,
      after,
      filter: { statuses: filter.statuses?.length ? filter.statuses : null, triggerTypes: filter.triggerTypes?.length ? filter.triggerTypes : null },
    },
  );
  const page = data.listPipelineExecutions;
  return { executions: page.nodes, hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor };
}

/** One execution as a history row (for a row the live updates name, below the first page). */
export async function loadHistoryExecution(pipelineName: string, pipelineExecutionId: string): Promise<HistoryExecution> {
  const data = await request<{ getPipelineExecution: HistoryExecution }>(
    `query HistoryRow($name: String!, $id: ID!) { getPipelineExecution(pipelineName: $name, pipelineExecutionId: $id) { ${EXECUTION_FIELDS} pipelineVersion } }`,
    { name: pipelineName, id: pipelineExecutionId },
  );
  return data.getPipelineExecution;
}

export const AUDIT_DECISIONS = ['Allow', 'ExplicitDeny', 'ImplicitDeny'] as const;

export interface AuditFilter {
  principal?: string;
  operation?: string;
  resource?: string;
  decision?: string;
  /** ISO-8601 instants. */
  from?: string;
  to?: string;
  /** Leave out reads (the permissions service decides by its action catalogue). */
  excludeReads?: boolean;
}

/** An audit record as the dashboard shows it, from `lookupAuditEvents` or `auditRecorded` (their shapes differ a little). */
export interface AuditRow {
  id: string;
  time: string;
  principal: string;
  viaRole: string | null;
  operation: string;
  resource: string;
  decision: string;
  result: string;
  errorCode: string | null;
}

const resultOf = (result: unknown): { status: string; errorCode: string | null } => {
  const value = (typeof result === 'string' ? JSON.parse(result) : result) as { status?: unknown; errorCode?: unknown } | null;
  return { status: String(value?.status ?? ''), errorCode: value?.errorCode ? String(value.errorCode) : null };
};

interface AuditFields {
  id: string;
  time: string;
  principal: { id: string };
  viaRole: { id: string } | null;
  operation: string;
  resource: string;
  decision: string;
  result: unknown;
}

const auditRowOf = (record: AuditFields): AuditRow => {
  const result = resultOf(record.result);
  return {
    id: record.id,
    time: record.time,
    principal: record.principal.id,
    viaRole: record.viaRole?.id ?? null,
    operation: record.operation,
    resource: record.resource,
    decision: record.decision,
    result: result.status,
    errorCode: result.errorCode,
  };
};

const nonEmpty = (value: string | undefined) => (value && value.trim() !== '' ? value.trim() : null);

/** One page of the account's audit trail, newest first. */
export async function lookupAuditEvents(filter: AuditFilter, first: number, after: string | null): Promise<{ rows: AuditRow[]; hasNextPage: boolean; endCursor: string | null }> {
  const data = await request<{ lookupAuditEvents: { edges: Array<{ node: AuditFields }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
    `query Audit($filter: AuditEventFilter, $first: Int, $after: String) { lookupAuditEvents(filter: $filter, first: $first, after: $after) {
      edges { node { id time principal { id } viaRole { id } operation resource decision result } } pageInfo { hasNextPage endCursor } } }`,
    {
      filter: {
        principal: nonEmpty(filter.principal),
        operation: nonEmpty(filter.operation),
        resource: nonEmpty(filter.resource),
        decision: nonEmpty(filter.decision),
        from: nonEmpty(filter.from),
        to: nonEmpty(filter.to),
        excludeReads: filter.excludeReads ?? null,
      },
      first,
      after,
    },
  );
  const page = data.lookupAuditEvents;
  return { rows: page.edges.map((e) => auditRowOf(e.node)), hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor };
}

export const AUDIT_RECORDED = 'subscription AuditLive($after: String) { auditRecorded(after: $after) { cursor id time principal { id } viaRole { id } operation resource decision result { status errorCode } } }';
export const auditRowOfRecorded = (record: AuditFields) => auditRowOf(record);

/** Whether a live record belongs on the page the filter selects (as the permissions service's lookup matches). */
export function auditRowMatches(row: AuditRow, filter: AuditFilter): boolean {
  // Reads hidden: a live record shows when it is the attempt of a change or a refusal (the live record does not say
  // which action it is in the catalogue's terms; the service decides for the pages: a reload shows both exactly).
  if (filter.excludeReads && !(row.result === 'attempted' || row.decision !== 'Allow')) return false;
  const principal = nonEmpty(filter.principal);
  const operation = nonEmpty(filter.operation)?.toLowerCase();
  const resource = nonEmpty(filter.resource);
  const from = nonEmpty(filter.from);
  const to = nonEmpty(filter.to);
  const time = Date.parse(row.time);
  return (
    (!principal || row.principal === principal || row.viaRole === principal) &&
    (!operation || row.operation.toLowerCase() === operation) &&
    (!resource || (resource.endsWith('*') ? row.resource.startsWith(resource.slice(0, -1)) : row.resource === resource)) &&
    (!nonEmpty(filter.decision) || row.decision === filter.decision) &&
    (!from || time >= Date.parse(from)) &&
    (!to || time <= Date.parse(to))
  );
}

export interface PipelineAsOfView {
  at: string;
  definition: PipelineDefinition;
  version: number;
  stageStates: StageState[];
}

/** The definition and the state of a pipeline as they were at an instant (replayed from its events). */
export async function loadPipelineAsOf(name: string, at: string): Promise<PipelineAsOfView> {
  const data = await request<{
    pipelineAsOf: { at: string; pipeline: PipelineDefinition; metadata: { version: number } };
    pipelineStateAsOf: { at: string; state: { stageStates: StageState[] } };
  }>(
    `query AsOf($name: String!, $at: String!) {
      pipelineAsOf(name: $name, at: $at) { at pipeline metadata { version } }
      pipelineStateAsOf(pipelineName: $name, at: $at) { at state { stageStates { stageName
        inboundTransitionState { enabled disabledReason lastChangedBy lastChangedAt }
        latestExecution { pipelineExecutionId status }
        actionStates { actionName latestExecution { actionExecutionId pipelineExecutionId status summary token errorDetails lastStatusChange } } } } }
    }`,
    { name, at },
  );
  return { at: data.pipelineAsOf.at, definition: data.pipelineAsOf.pipeline, version: data.pipelineAsOf.metadata.version, stageStates: data.pipelineStateAsOf.state.stageStates };
}

/** When the pipeline was created (the slider's start). */
export const pipelineCreated = async (name: string): Promise<string> =>
  (await request<{ getPipeline: { metadata: { created: string } } }>('query Created($name: String!) { getPipeline(name: $name) { metadata { created } } }', { name })).getPipeline.metadata.created;

/** The stage states' approval facts (status, token) of a pipeline: for the approval banner of the execution page. */
export async function loadApprovalStates(name: string): Promise<import('./approvals').ApprovalState[]> {
  const data = await request<{ getPipelineState: { stageStates: import('./approvals').ApprovalState[] } }>(
    'query ApprovalStates($name: String!) { getPipelineState(name: $name) { stageStates { stageName actionStates { actionName latestExecution { pipelineExecutionId status token } } } } }',
    { name },
  );
  return data.getPipelineState.stageStates;
}
