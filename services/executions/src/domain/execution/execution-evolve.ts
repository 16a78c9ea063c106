import { assertNever } from '@sluice/domain';
import type { ExecutionEvent, PipelineExecutionStarted } from '@sluice/contracts';
import type { ActionRun, ExecutionRun, ExecutionState, StagePhase, StageRun, StartedExecution } from './execution-state';
import { stagesInScope } from './execution-state';

export function evolveExecution(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  if (event.type === 'PipelineExecutionStarted') return started(event.data);
  if (state.status === 'NotStarted') return state;
  switch (event.type) {
    case 'StageExecutionStarted': {
      const { stageName, attempt, retryMode, startedAt, laneSequence } = event.data;
      const sequenced = laneSequence === undefined || state.run.laneSequence === laneSequence ? state : { ...state, run: { ...state.run, laneSequence } };
      return updateStage(sequenced, stageName, startedAt, (stage) => ({
        ...stage,
        attempt,
        phase: { status: 'InProgress', since: startedAt },
        rollback: { status: 'None' },
        actions: Object.fromEntries(
          Object.entries(stage.actions).map(([name, action]): [string, ActionRun] => [
            name,
            retryMode === 'FAILED_ACTIONS' && action.status === 'Succeeded' ? action : { status: 'NotStarted' },
          ]),
        ),
      }));
    }
    case 'StageConditionCheckStarted':
      return setPhase(state, event.data.stageName, event.data.startedAt, {
        status: 'CheckingCondition',
        condition: event.data.condition,
        since: event.data.startedAt,
      });
    case 'StageConditionEvaluated': {
      const { stageName, condition, applied, attempt, evaluatedAt } = event.data;
      const next = updateStage(state, stageName, evaluatedAt, (stage) => ({ ...stage, conditionVerdict: { condition, applied, attempt } }));
      // Only a passed entry condition changes the phase here; every other outcome comes with its own stage event.
      if (condition === 'beforeEntry' && applied === 'PROCEED') return setPhase(next, stageName, evaluatedAt, { status: 'InProgress', since: evaluatedAt });
      return next;
    }
    case 'StageConditionOverridden': {
      const { stageName, condition, at } = event.data;
      const phase = state.run.stages.find((stage) => stage.name === stageName)?.phase;
      const next = updateStage(state, stageName, at, (stage) => ({
        ...stage,
        overridden: stage.overridden.includes(condition) ? stage.overridden : [...stage.overridden, condition],
        // An entry condition in progress lets the stage in; one that failed the stage makes it wait for entry again.
        phase:
          condition === 'beforeEntry' && phase?.status === 'CheckingCondition'
            ? { status: 'InProgress', since: at }
            : condition === 'beforeEntry' && phase?.status === 'Failed'
              ? { status: 'AwaitingEntry', retryMode: null, since: at }
              : stage.phase,
      }));
      // A failed execution is in progress again (its stage succeeds, or waits for entry, by the events that follow).
      return state.status === 'Failed' ? { status: 'InProgress', run: next.run } : next;
    }
    case 'ActionExecutionStarted':
      return updateAction(state, event.data.stageName, event.data.actionName, event.data.startedAt, () => ({
        status: 'InProgress',
        started: event.data,
        work: event.data.work,
        continuations: 0,
      }));
    case 'ActionJobContinued': {
      const { deadline, jobId, continuationToken } = event.data;
      return updateAction(state, event.data.stageName, event.data.actionName, event.data.at, (action) =>
        action.status === 'InProgress'
          ? { ...action, work: { kind: 'Job', jobId, deadline, continuationToken }, continuations: action.continuations + 1 }
          : action,
      );
    }
    case 'ApprovalResultRecorded':
      return touch(state, event.data.at);
    case 'ActionExecutionSucceeded': {
      const { stageName, actionName, finishedAt, summary, outputArtifacts, outputVariables, sourceRevision } = event.data;
      const action = state.run.stages.find((stage) => stage.name === stageName)?.actions[actionName];
      if (!action || action.status !== 'InProgress') return state;
      const next = updateAction(state, stageName, actionName, finishedAt, () => ({ status: 'Succeeded', started: action.started, finishedAt, summary }));
      const namespace = action.started.namespace;
      return withRun(next, {
        ...next.run,
        artifacts: { ...next.run.artifacts, ...Object.fromEntries(outputArtifacts.map((artifact) => [artifact.name, artifact])) },
        namespaces: namespace === null ? next.run.namespaces : { ...next.run.namespaces, [namespace]: outputVariables },
        sourceRevisions: sourceRevision === null ? next.run.sourceRevisions : { ...next.run.sourceRevisions, [actionName]: sourceRevision },
      });
    }
    case 'ActionExecutionFailed': {
      const { stageName, actionName, finishedAt, errorType, message } = event.data;
      return updateAction(state, stageName, actionName, finishedAt, (action) =>
        action.status === 'InProgress' ? { status: 'Failed', started: action.started, errorType, message, finishedAt } : action,
      );
    }
    case 'ActionExecutionAbandoned':
      return updateAction(state, event.data.stageName, event.data.actionName, event.data.at, (action) =>
        action.status === 'InProgress' ? { status: 'Abandoned', started: action.started, work: action.work, at: event.data.at } : action,
      );
    case 'StageExecutionSucceeded': {
      const next = setPhase(state, event.data.stageName, event.data.at, { status: 'Succeeded', endedAt: event.data.at });
      return awaitNextStage(next, event.data.stageName, event.data.at);
    }
    case 'StageExecutionFailed':
      return setPhase(state, event.data.stageName, event.data.at, { status: 'Failed', message: event.data.message, endedAt: event.data.at });
    case 'StageExecutionSkipped': {
      const next = setPhase(state, event.data.stageName, event.data.at, { status: 'Skipped', reason: event.data.reason, endedAt: event.data.at });
      return awaitNextStage(next, event.data.stageName, event.data.at);
    }
    case 'StageExecutionStopped':
      return setPhase(state, event.data.stageName, event.data.at, { status: 'Stopped', endedAt: event.data.at });
    case 'StageRetryRequested': {
      const { stageName, retryMode, automatic, at } = event.data;
      const next = updateStage(state, stageName, at, (stage) => ({
        ...stage,
        automaticRetries: stage.automaticRetries + (automatic ? 1 : 0),
        phase: { status: 'AwaitingEntry', retryMode, since: at },
      }));
      return { status: 'InProgress', run: next.run };
    }
    case 'StageRollbackRequested':
      return updateStage(state, event.data.stageName, event.data.at, (stage) => ({ ...stage, rollback: { status: 'Requested', at: event.data.at } }));
    case 'StageRollbackStarted': {
      const { rollbackExecutionId, targetExecutionId } = event.data;
      return updateStage(state, event.data.stageName, event.data.at, (stage) => ({
        ...stage,
        rollback: { status: 'Started', rollbackExecutionId, targetExecutionId },
      }));
    }
    case 'PipelineExecutionStopping':
      return { status: 'Stopping', run: touchRun(state.run, event.data.at), stop: event.data };
    case 'PipelineExecutionStopped':
      return { status: 'Stopped', run: leaveWaiting(state.run, event.data.at), stop: event.data };
    case 'PipelineExecutionSucceeded':
      return { status: 'Succeeded', run: touchRun(state.run, event.data.at), endedAt: event.data.at };
    case 'PipelineExecutionFailed':
      return {
        status: 'Failed',
        run: touchRun(state.run, event.data.at),
        failure: { stageName: event.data.stageName, message: event.data.message },
        endedAt: event.data.at,
      };
    case 'PipelineExecutionSuperseded':
      return { status: 'Superseded', run: leaveWaiting(state.run, event.data.at), supersededBy: event.data.supersededBy, endedAt: event.data.at };
    default:
      return assertNever(event);
  }
}

function started(data: PipelineExecutionStarted['data']): ExecutionState {
  const { inputs } = data;
  const scope = inputs.scope;
  const stages: StageRun[] = inputs.definition.declaration.stages.map((stage) => ({
    name: stage.name,
    attempt: 0,
    automaticRetries: 0,
    actions: Object.fromEntries(stage.actions.map((action): [string, ActionRun] => [action.name, { status: 'NotStarted' }])),
    phase: { status: 'NotStarted' },
    rollback: { status: 'None' },
    conditionVerdict: null,
    overridden: [],
  }));
  const run: ExecutionRun = {
    executionId: data.executionId,
    inputs,
    startedBy: data.startedBy,
    startedAt: data.startedAt,
    lastUpdatedAt: data.startedAt,
    stages,
    artifacts: scope.kind === 'SingleStage' ? Object.fromEntries(scope.inheritedArtifacts.map((artifact) => [artifact.name, artifact])) : {},
    namespaces: scope.kind === 'SingleStage' ? Object.fromEntries(scope.inheritedNamespaces.map((ns) => [ns.namespace, ns.variables])) : {},
    sourceRevisions: Object.fromEntries(inputs.sourceRevisions.map((revision) => [revision.actionName, revision])),
  };
  const first = stagesInScope(run)[0];
  return { status: 'InProgress', run: first ? awaitEntry(run, first.name, data.startedAt) : run };
}

/** After a stage is done, the next stage in scope waits for entry, unless the execution is winding down. */
function awaitNextStage(state: StartedExecution, stageName: string, at: string): StartedExecution {
  if (state.status !== 'InProgress') return state;
  const scoped = stagesInScope(state.run);
  const next = scoped[scoped.findIndex((stage) => stage.name === stageName) + 1];
  return next ? withRun(state, awaitEntry(state.run, next.name, at)) : state;
}

function awaitEntry(run: ExecutionRun, stageName: string, at: string): ExecutionRun {
  return mapStage(run, stageName, (stage) => ({ ...stage, phase: { status: 'AwaitingEntry', retryMode: null, since: at } }));
}

/** An execution that ends while waiting between stages no longer waits. */
function leaveWaiting(run: ExecutionRun, at: string): ExecutionRun {
  return {
    ...run,
    lastUpdatedAt: at,
    stages: run.stages.map((stage) => (stage.phase.status === 'AwaitingEntry' ? { ...stage, phase: { status: 'NotStarted' } } : stage)),
  };
}

function mapStage(run: ExecutionRun, stageName: string, change: (stage: StageRun) => StageRun): ExecutionRun {
  return { ...run, stages: run.stages.map((stage) => (stage.name === stageName ? change(stage) : stage)) };
}

function withRun<S extends StartedExecution>(state: S, run: ExecutionRun): S {
  return { ...state, run };
}

function touchRun(run: ExecutionRun, at: string): ExecutionRun {
  return { ...run, lastUpdatedAt: at };
}

function touch(state: StartedExecution, at: string): StartedExecution {
  return withRun(state, touchRun(state.run, at));
}

function updateStage(state: StartedExecution, stageName: string, at: string, change: (stage: StageRun) => StageRun): StartedExecution {
  return withRun(state, touchRun(mapStage(state.run, stageName, change), at));
}

function setPhase(state: StartedExecution, stageName: string, at: string, phase: StagePhase): StartedExecution {
  return updateStage(state, stageName, at, (stage) => ({ ...stage, phase }));
}

function updateAction(
  state: StartedExecution,
  stageName: string,
  actionName: string,
  at: string,
  change: (action: ActionRun) => ActionRun,
): StartedExecution {
  return updateStage(state, stageName, at, (stage) => {
    const action = stage.actions[actionName];
    return action ? { ...stage, actions: { ...stage.actions, [actionName]: change(action) } } : stage;
  });
}
