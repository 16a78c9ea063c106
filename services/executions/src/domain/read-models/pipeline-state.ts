import { assertNever } from '@sluice/domain';
import type { ExecutionEvent, LanesEvent } from '@sluice/contracts';

export type StageExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Skipped';
export type ActionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Abandoned';

export interface TransitionView {
  enabled: boolean;
  disabledReason: string | null;
  lastChangedBy: string | null;
  lastChangedAt: string | null;
}

export interface ActionStateView {
  actionName: string;
  latestExecution: {
    actionExecutionId: string;
    pipelineExecutionId: string;
    status: ActionStatus;
    summary: string | null;
    externalExecutionId: string | null;
    externalExecutionUrl: string | null;
    /** The token to pass to putApprovalResult while a manual approval waits. */
    token: string | null;
    errorDetails: string | null;
    lastStatusChange: string;
  } | null;
}

export interface StageStateView {
  stageName: string;
  inboundTransitionState: TransitionView;
  latestExecution: { pipelineExecutionId: string; status: StageExecutionStatus } | null;
  actionStates: ActionStateView[];
}

/** CodePipeline's `getPipelineState`. */
export interface PipelineStateView {
  pipelineName: string | null;
  pipelineVersion: number | null;
  stageStates: StageStateView[];
  updated: string | null;
}

/** What the projection feeds the fold: an event of one of the pipeline's executions, or of its lanes. */
export type PipelineStateMessage = { stream: 'execution'; executionId: string; event: ExecutionEvent } | { stream: 'lanes'; event: LanesEvent };

export const initialPipelineState: PipelineStateView = { pipelineName: null, pipelineVersion: null, stageStates: [], updated: null };

const enabledTransition: TransitionView = { enabled: true, disabledReason: null, lastChangedBy: null, lastChangedAt: null };

export function evolvePipelineState(view: PipelineStateView, message: PipelineStateMessage): PipelineStateView {
  return message.stream === 'lanes' ? onLanesEvent(view, message.event) : onExecutionEvent(view, message.executionId, message.event);
}

function onLanesEvent(view: PipelineStateView, event: LanesEvent): PipelineStateView {
  switch (event.type) {
    case 'InboundTransitionDisabled': {
      const { stageName, reason, disabledBy, at } = event.data;
      return withStage(view, stageName, at, (stage) => ({ ...stage, inboundTransitionState: { enabled: false, disabledReason: reason, lastChangedBy: disabledBy, lastChangedAt: at } }));
    }
    case 'InboundTransitionEnabled': {
      const { stageName, enabledBy, at } = event.data;
      return withStage(view, stageName, at, (stage) => ({ ...stage, inboundTransitionState: { enabled: true, disabledReason: null, lastChangedBy: enabledBy, lastChangedAt: at } }));
    }
    case 'ExecutionArrivedAtStage':
    case 'StageEntryGranted':
    case 'WaitingExecutionSuperseded':
    case 'StageReleased':
    case 'StageEntryWithdrawn':
      return view;
    default:
      return assertNever(event);
  }
}

function onExecutionEvent(view: PipelineStateView, executionId: string, event: ExecutionEvent): PipelineStateView {
  switch (event.type) {
    case 'PipelineExecutionStarted': {
      const { definition, pipeline } = event.data.inputs;
      if (view.pipelineVersion !== null && definition.version < view.pipelineVersion) return view;
      // The newest definition decides which stages and actions the pipeline shows; their states are kept by name.
      const stageStates = definition.declaration.stages.map((stage): StageStateView => {
        const known = view.stageStates.find((existing) => existing.stageName === stage.name);
        return {
          stageName: stage.name,
          inboundTransitionState: known?.inboundTransitionState ?? enabledTransition,
          latestExecution: known?.latestExecution ?? null,
          actionStates: stage.actions.map((action) => known?.actionStates.find((state) => state.actionName === action.name) ?? { actionName: action.name, latestExecution: null }),
        };
      });
      return { pipelineName: pipeline.name, pipelineVersion: definition.version, stageStates, updated: event.data.startedAt };
    }
    case 'StageExecutionStarted':
      return withStage(view, event.data.stageName, event.data.startedAt, (stage) => ({ ...stage, latestExecution: { pipelineExecutionId: executionId, status: 'InProgress' } }));
    case 'StageExecutionSucceeded':
      return stageStatus(view, executionId, event.data.stageName, 'Succeeded', event.data.at);
    case 'StageExecutionFailed':
      return stageStatus(view, executionId, event.data.stageName, 'Failed', event.data.at);
    case 'StageExecutionStopped':
      return stageStatus(view, executionId, event.data.stageName, 'Stopped', event.data.at);
    case 'StageExecutionSkipped':
      return stageStatus(view, executionId, event.data.stageName, 'Skipped', event.data.at);
    case 'PipelineExecutionStopping':
      return {
        ...view,
        updated: event.data.at,
        stageStates: view.stageStates.map((stage) =>
          stage.latestExecution?.pipelineExecutionId === executionId && stage.latestExecution.status === 'InProgress'
            ? { ...stage, latestExecution: { pipelineExecutionId: executionId, status: 'Stopping' } }
            : stage,
        ),
      };
    case 'ActionExecutionStarted': {
      const data = event.data;
      const token = data.work.kind === 'Approval' ? data.work.token : null;
      return withAction(view, data.stageName, data.actionName, data.startedAt, () => ({
        actionExecutionId: data.actionExecutionId,
        pipelineExecutionId: executionId,
        status: 'InProgress',
        summary: null,
        externalExecutionId: null,
        externalExecutionUrl: null,
        token,
        errorDetails: null,
        lastStatusChange: data.startedAt,
      }));
    }
    case 'ActionExecutionSucceeded': {
      const data = event.data;
      return withAction(view, data.stageName, data.actionName, data.finishedAt, (latest) =>
        latest?.actionExecutionId === data.actionExecutionId
          ? { ...latest, status: 'Succeeded', summary: data.summary, externalExecutionId: data.externalExecutionId, externalExecutionUrl: data.externalExecutionUrl, token: null, lastStatusChange: data.finishedAt }
          : latest,
      );
    }
    case 'ActionExecutionFailed': {
      const data = event.data;
      return withAction(view, data.stageName, data.actionName, data.finishedAt, (latest) =>
        latest?.actionExecutionId === data.actionExecutionId
          ? { ...latest, status: 'Failed', errorDetails: `${data.errorType}: ${data.message}`, externalExecutionId: data.externalExecutionId, token: null, lastStatusChange: data.finishedAt }
          : latest,
      );
    }
    case 'ActionExecutionAbandoned': {
      const data = event.data;
      return withAction(view, data.stageName, data.actionName, data.at, (latest) =>
        latest?.actionExecutionId === data.actionExecutionId ? { ...latest, status: 'Abandoned', token: null, lastStatusChange: data.at } : latest,
      );
    }
    case 'StageConditionCheckStarted':
    case 'StageConditionEvaluated':
    case 'StageConditionOverridden':
    case 'ActionJobContinued':
    case 'ApprovalResultRecorded':
    case 'StageRetryRequested':
    case 'StageRollbackRequested':
    case 'StageRollbackStarted':
    case 'PipelineExecutionStopped':
    case 'PipelineExecutionSucceeded':
    case 'PipelineExecutionFailed':
    case 'PipelineExecutionSuperseded':
      return view;
    default:
      return assertNever(event);
  }
}

function stageStatus(view: PipelineStateView, executionId: string, stageName: string, status: StageExecutionStatus, at: string): PipelineStateView {
  return withStage(view, stageName, at, (stage) =>
    stage.latestExecution?.pipelineExecutionId === executionId ? { ...stage, latestExecution: { pipelineExecutionId: executionId, status } } : stage,
  );
}

function withStage(view: PipelineStateView, stageName: string, at: string, change: (stage: StageStateView) => StageStateView): PipelineStateView {
  const exists = view.stageStates.some((stage) => stage.stageName === stageName);
  // A transition may be disabled before any execution told the view which stages there are.
  const stageStates = exists
    ? view.stageStates.map((stage) => (stage.stageName === stageName ? change(stage) : stage))
    : [...view.stageStates, change({ stageName, inboundTransitionState: enabledTransition, latestExecution: null, actionStates: [] })];
  return { ...view, stageStates, updated: at };
}

function withAction(
  view: PipelineStateView,
  stageName: string,
  actionName: string,
  at: string,
  change: (latest: ActionStateView['latestExecution']) => ActionStateView['latestExecution'],
): PipelineStateView {
  return withStage(view, stageName, at, (stage) => ({
    ...stage,
    actionStates: stage.actionStates.map((action) => (action.actionName === actionName ? { ...action, latestExecution: change(action.latestExecution) } : action)),
  }));
}
