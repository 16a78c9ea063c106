import { redactUrlCredentialsIn, type ExecutionMode } from '@sluice/domain';
import { invalidInput } from '../errors';
import type { ExecutionTrigger, ResolvedVariable, SourceRevision } from '@sluice/contracts';
import type { ExecutionState, ExecutionStatus } from '../execution/execution-state';

/** CodePipeline's `PipelineExecutionSummary`, for listPipelineExecutions and getPipelineExecution. */
export interface PipelineExecutionSummary {
  pipelineExecutionId: string;
  pipelineName: string;
  pipelineVersion: number;
  status: Exclude<ExecutionStatus, 'NotStarted'>;
  statusSummary: string | null;
  startTime: string;
  lastUpdateTime: string;
  executionMode: ExecutionMode;
  executionType: 'STANDARD' | 'ROLLBACK' | 'RERUN';
  trigger: ExecutionTrigger;
  sourceRevisions: SourceRevision[];
  variables: ResolvedVariable[];
  stopTrigger: { reason: string } | null;
  rollbackMetadata: { rollbackTargetPipelineExecutionId: string } | null;
}

/**
 * The summary is a view of the execution's own state: no second fold to keep in step. Only ever shown, so
 * URLs in it (a variable's value, a failure message) lose their credentials.
 */
export function summaryOf(state: ExecutionState): PipelineExecutionSummary | null {
  if (state.status === 'NotStarted') return null;
  const { run } = state;
  const scope = run.inputs.scope;
  return redactUrlCredentialsIn<PipelineExecutionSummary>({
    pipelineExecutionId: run.executionId,
    pipelineName: run.inputs.pipeline.name,
    pipelineVersion: run.inputs.definition.version,
    status: state.status,
    statusSummary: statusSummary(state),
    startTime: run.startedAt,
    lastUpdateTime: run.lastUpdatedAt,
    executionMode: run.inputs.executionMode,
    executionType: scope.kind === 'AllStages' ? 'STANDARD' : scope.reason === 'Rollback' ? 'ROLLBACK' : 'RERUN',
    trigger: run.inputs.trigger,
    sourceRevisions: Object.values(run.sourceRevisions),
    variables: run.inputs.variables,
    stopTrigger: state.status === 'Stopping' || state.status === 'Stopped' ? { reason: state.stop.reason } : null,
    rollbackMetadata: scope.kind === 'SingleStage' && scope.reason === 'Rollback' ? { rollbackTargetPipelineExecutionId: scope.sourceExecutionId } : null,
  });
}

function statusSummary(state: Exclude<ExecutionState, { status: 'NotStarted' }>): string | null {
  switch (state.status) {
    case 'Failed':
      return `Stage "${state.failure.stageName}" failed: ${state.failure.message}`;
    case 'Superseded':
      return `Superseded by ${state.supersededBy}`;
    case 'Stopping':
    case 'Stopped':
      return state.stop.reason || null;
    case 'InProgress':
    case 'Succeeded':
      return null;
  }
}

export interface ListPipelineExecutionsQuery {
  statuses?: ReadonlyArray<PipelineExecutionSummary['status']>;
  triggerTypes?: ReadonlyArray<ExecutionTrigger['triggerType']>;
  maxResults: number;
  /** The `nextToken` of the previous page. */
  nextToken?: string | null;
}

export interface PipelineExecutionPage {
  pipelineExecutionSummaries: PipelineExecutionSummary[];
  nextToken: string | null;
}

/**
 * Newest first; the cursor is the (startTime, id) of the last item returned, so a page stays right
 * while newer executions arrive.
 */
export function listPipelineExecutions(summaries: readonly PipelineExecutionSummary[], query: ListPipelineExecutionsQuery): PipelineExecutionPage {
  const after = query.nextToken ? decodeCursor(query.nextToken) : null;
  const matching = [...summaries]
    .filter((summary) => !query.statuses || query.statuses.includes(summary.status))
    .filter((summary) => !query.triggerTypes || query.triggerTypes.includes(summary.trigger.triggerType))
    .sort(newestFirst)
    .filter((summary) => !after || newestFirst(summary, { startTime: after.startTime, pipelineExecutionId: after.id }) > 0);
  const page = matching.slice(0, query.maxResults);
  const last = page[page.length - 1];
  return {
    pipelineExecutionSummaries: page,
    nextToken: matching.length > page.length && last ? encodeCursor(last.startTime, last.pipelineExecutionId) : null,
  };
}

function newestFirst(a: Pick<PipelineExecutionSummary, 'startTime' | 'pipelineExecutionId'>, b: Pick<PipelineExecutionSummary, 'startTime' | 'pipelineExecutionId'>): number {
  const byTime = Date.parse(b.startTime) - Date.parse(a.startTime);
  return byTime !== 0 ? byTime : b.pipelineExecutionId.localeCompare(a.pipelineExecutionId);
}

function encodeCursor(startTime: string, id: string): string {
  return Buffer.from(JSON.stringify([startTime, id])).toString('base64url');
}

function decodeCursor(token: string): { startTime: string; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2 || typeof decoded[0] !== 'string' || typeof decoded[1] !== 'string') {
    throw invalidInput('$.nextToken', 'The page token is not one this service handed out; start again without it.', 'invalid_page_token');
  }
  return { startTime: decoded[0], id: decoded[1] };
}
