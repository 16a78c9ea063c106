// Which execution each stage of the pipeline view shows, and which executions wait before it and why (issue 22,
// item 2): several runs can be in flight at once, one per stage, so a card without its execution says too little.
import type { ActionExecutionDetail, ActionExecutionState, ExecutionSummary, PipelineDefinition, StageState } from './api';

export type WaitReason = 'lock' | 'transition';

export interface WaitingExecution {
  pipelineExecutionId: string;
  reason: WaitReason;
}

export interface StageOrientation {
  /** The execution the stage's cards show; undefined when the stage never ran. */
  pipelineExecutionId?: string;
  /** Its first source revision, when the execution is among the loaded ones. */
  revisionId?: string;
  /** The stage shows another execution than the pipeline's newest: an earlier run's result, not the current one's. */
  fromEarlierRun: boolean;
  /** Running executions that finished the stage before this one and wait to enter it. */
  waiting: WaitingExecution[];
}

export const shortId = (id: string): string => id.slice(0, 8);

const RUNNING = new Set(['InProgress', 'Stopping']);

/** The latest attempt of each action of `executionId`, by stage and action name. */
function attemptsOf(details: Iterable<ActionExecutionDetail>, executionId: string): Map<string, ActionExecutionDetail> {
  const latest = new Map<string, ActionExecutionDetail>();
  for (const detail of details) {
    if (detail.pipelineExecutionId !== executionId) continue;
    const key = `${detail.stageName}/${detail.actionName}`;
    const known = latest.get(key);
    if (!known || detail.attempt > known.attempt) latest.set(key, detail);
  }
  return latest;
}

/**
 * Where a running execution waits, if it does: it finished every action of the last stage it entered, the next
 * stage has not started for it, and either the transition into that stage is disabled (held) or another running
 * execution holds the stage (waiting for its lock). An execution between two stages for no such reason is entering.
 */
export function waitingPlace(definition: PipelineDefinition, stageStates: readonly StageState[], details: Iterable<ActionExecutionDetail>, execution: ExecutionSummary): { stageName: string; reason: WaitReason } | undefined {
  if (!RUNNING.has(execution.status)) return undefined;
  const attempts = attemptsOf(details, execution.pipelineExecutionId);
  const states = new Map(stageStates.map((state) => [state.stageName, state]));
  let last = -1;
  definition.stages.forEach((stage, index) => {
    const entered = stage.actions.some((action) => attempts.has(`${stage.name}/${action.name}`)) || states.get(stage.name)?.latestExecution?.pipelineExecutionId === execution.pipelineExecutionId;
    if (entered) last = index;
  });
  // A rollback starts at its stage, not the first: with nothing run yet, it is not known where it waits.
  if (last === -1 && execution.executionType === 'ROLLBACK') return undefined;
  if (last >= 0) {
    const stage = definition.stages[last]!;
    if (!stage.actions.every((action) => attempts.get(`${stage.name}/${action.name}`)?.status === 'Succeeded')) return undefined;
  }
  const next = definition.stages[last + 1];
  if (!next) return undefined;
  const state = states.get(next.name);
  if (last >= 0 && state && !state.inboundTransitionState.enabled) return { stageName: next.name, reason: 'transition' };
  const holder = state?.latestExecution;
  if (holder && holder.pipelineExecutionId !== execution.pipelineExecutionId && RUNNING.has(holder.status)) return { stageName: next.name, reason: 'lock' };
  return undefined;
}

/** Each stage's orientation, by stage name. `executions` newest first, as listPipelineExecutions answers. */
export function orientStages(definition: PipelineDefinition, stageStates: readonly StageState[], executions: readonly ExecutionSummary[], details: Iterable<ActionExecutionDetail>): Map<string, StageOrientation> {
  const byId = new Map(executions.map((execution) => [execution.pipelineExecutionId, execution]));
  const newest = executions[0]?.pipelineExecutionId;
  const detailList = [...details];
  const waiting = new Map<string, WaitingExecution[]>();
  for (const execution of executions) {
    const place = waitingPlace(definition, stageStates, detailList, execution);
    if (place) waiting.set(place.stageName, [...(waiting.get(place.stageName) ?? []), { pipelineExecutionId: execution.pipelineExecutionId, reason: place.reason }]);
  }
  const states = new Map(stageStates.map((state) => [state.stageName, state]));
  return new Map(
    definition.stages.map((stage) => {
      const shown = states.get(stage.name)?.latestExecution?.pipelineExecutionId;
      const revisionId = shown ? byId.get(shown)?.sourceRevisions[0]?.revisionId : undefined;
      return [
        stage.name,
        {
          ...(shown ? { pipelineExecutionId: shown } : {}),
          ...(revisionId ? { revisionId } : {}),
          fromEarlierRun: shown !== undefined && newest !== undefined && shown !== newest,
          waiting: waiting.get(stage.name) ?? [],
        },
      ];
    }),
  );
}

/**
 * The stage states as one execution left them (the execution selector): each action's latest attempt in that
 * execution, the approval token only when the live state holds that very attempt; a stage it did not reach is empty.
 */
export function stageStatesOfExecution(definition: PipelineDefinition, stageStates: readonly StageState[], details: Iterable<ActionExecutionDetail>, executionId: string): StageState[] {
  const attempts = attemptsOf(details, executionId);
  const states = new Map(stageStates.map((state) => [state.stageName, state]));
  return definition.stages.map((stage) => {
    const live = states.get(stage.name);
    const actionStates = stage.actions.map((action) => {
      const attempt = attempts.get(`${stage.name}/${action.name}`);
      const liveAction = live?.actionStates.find((a) => a.actionName === action.name)?.latestExecution;
      const latest: ActionExecutionState | null = attempt
        ? {
            actionExecutionId: attempt.actionExecutionId,
            pipelineExecutionId: executionId,
            status: attempt.status,
            summary: attempt.output.executionResult.externalExecutionSummary,
            token: liveAction?.actionExecutionId === attempt.actionExecutionId ? liveAction.token : null,
            errorDetails: attempt.output.executionResult.errorDetails,
            lastStatusChange: attempt.lastUpdateTime,
          }
        : null;
      return { actionName: action.name, latestExecution: latest };
    });
    const statuses = actionStates.map((a) => a.latestExecution?.status).filter((s): s is string => s !== undefined);
    const status =
      live?.latestExecution?.pipelineExecutionId === executionId
        ? live.latestExecution.status
        : statuses.length === 0
          ? undefined
          : (['InProgress', 'Stopping', 'Failed', 'Stopped', 'Abandoned'].find((s) => statuses.includes(s)) ?? (statuses.length === stage.actions.length && statuses.every((s) => s === 'Succeeded') ? 'Succeeded' : 'InProgress'));
    return {
      stageName: stage.name,
      inboundTransitionState: live?.inboundTransitionState ?? { enabled: true, disabledReason: null, lastChangedBy: null, lastChangedAt: null },
      latestExecution: status === undefined ? null : { pipelineExecutionId: executionId, status },
      actionStates,
    };
  });
}
