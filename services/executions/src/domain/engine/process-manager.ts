import { rollbackExecutionIdFor } from '../derived-ids';
import type { ExecutionCommandMetadata } from '../execution/execution-commands';
import {
  findStageDeclaration,
  isActive,
  stageAwaitingEntry,
  type ActionRun,
  type ExecutionState,
  type StageRun,
  type StartedExecution,
} from '../execution/execution-state';
import { isFinished, jobOutcome, leaseExpired, pastDeadline } from '../jobs/job-queue';
import { initialJobState, type JobState } from '../jobs/job-state';
import type { StageReleaseOutcome } from '@sluice/contracts';
import { laneOf, placesHeldBy, positionAt, type HeldPlace, type LanesState } from '../lanes/lanes-state';
import { hasPassed } from '../time';
import type { EngineCommand } from './engine-command';
import { jobSpecFor } from './job-spec-for';
import { invocationDeadlines, invocationWork, type Invoked } from './pipeline-invocations';

/** What the process manager looks at for one execution: its state, its pipeline's lanes, the jobs of its actions. */
export interface EngineView {
  execution: ExecutionState;
  lanes: LanesState;
  /** By job id; a job missing here has not been created. Load the ids `jobsOf(execution)` names. */
  jobs: ReadonlyMap<string, JobState>;
  /** By execution id: the executions its running invokes start (`invocationsOf(execution)`), with their pipelines' definitions. */
  invoked?: ReadonlyMap<string, Invoked>;
}

/**
 * The engine's process manager: from the state of one execution and of what it touches, the commands
 * that come next. Level-triggered: it looks at states, not at the last event, so after a crash the
 * same call finds whatever was left half done. Every command it proposes is safe to repeat: the
 * deciders answer a command that is already applied, or no longer wanted, with no event.
 * `entropy` is fresh randomness for the ids the proposed commands may hand out (a job, an approval token).
 */
export function nextCommands(view: EngineView, now: string, entropy: string): EngineCommand[] {
  const execution = view.execution;
  if (execution.status === 'NotStarted') return [];
  const metadata = systemMetadata(execution, now, entropy);
  return [
    ...releases(execution, view.lanes, metadata),
    ...entry(execution, view.lanes, metadata),
    ...jobWork(execution, view.jobs, metadata),
    ...rollbacks(execution, view.lanes, metadata),
    ...invocationWork(execution, view.invoked ?? new Map(), metadata),
  ];
}

/** The job streams `nextCommands` needs for this execution. */
export function jobsOf(execution: ExecutionState): string[] {
  if (execution.status === 'NotStarted') return [];
  return execution.run.stages.flatMap((stage) => Object.values(stage.actions).flatMap((action) => jobIdOf(action) ?? []));
}

/** True while the execution still has something for the engine to do or to give back. */
export function needsAttention(execution: ExecutionState, lanes: LanesState): boolean {
  if (execution.status === 'NotStarted') return false;
  return needsAttentionOfItsOwn(execution) || placesHeldBy(lanes, execution.run.executionId).length > 0;
}

/** What `needsAttention` asks of the execution alone, its lanes aside: running, stopping, or a rollback requested. */
export function needsAttentionOfItsOwn(execution: ExecutionState): boolean {
  if (execution.status === 'NotStarted') return false;
  return isActive(execution) || execution.run.stages.some((stage) => stage.rollback.status === 'Requested');
}

/** The earliest instant at which time alone makes `nextCommands` answer differently: when to look again. */
export function nextWakeUp(view: EngineView): string | null {
  const execution = view.execution;
  if (execution.status === 'NotStarted') return null;
  const instants = execution.run.stages.flatMap((stage) =>
    Object.values(stage.actions).flatMap((action): string[] => {
      if (action.status !== 'InProgress') return [];
      if (action.work.kind === 'Approval') return [action.work.expiresAt];
      if (action.work.kind !== 'Job') return [];
      const job = view.jobs.get(action.work.jobId);
      const lease = job && (job.status === 'Dispatched' || job.status === 'InProgress') ? [job.lease.expiresAt] : [];
      return [action.work.deadline, ...lease];
    }),
  ).concat(invocationDeadlines(execution));
  return instants.reduce<string | null>((earliest, instant) => (earliest === null || Date.parse(instant) < Date.parse(earliest) ? instant : earliest), null);
}

/** Places in the lanes the execution holds but no longer needs: a finished stage, an execution that ended. */
function releases(execution: StartedExecution, lanes: LanesState, metadata: ExecutionCommandMetadata): EngineCommand[] {
  const { executionId, inputs } = execution.run;
  return placesHeldBy(lanes, executionId)
    .filter((place) => !stillNeeded(execution, place))
    .map((place) => ({
      aggregate: 'lanes',
      command: { type: 'ReleaseStage', pipeline: inputs.pipeline, executionId, stageName: place.stageName, outcome: releaseOutcome(execution, place.stageName), metadata },
    }));
}

function stillNeeded(execution: StartedExecution, place: HeldPlace): boolean {
  if (!isActive(execution)) return false;
  const phase = execution.run.stages.find((stage) => stage.name === place.stageName)?.phase.status;
  if (phase === 'AwaitingEntry') return true;
  return place.position === 'Occupying' && (phase === 'InProgress' || phase === 'CheckingCondition');
}

function releaseOutcome(execution: StartedExecution, stageName: string): StageReleaseOutcome {
  if (execution.status === 'Superseded') return 'Superseded';
  const phase = execution.run.stages.find((stage) => stage.name === stageName)?.phase.status;
  switch (phase) {
    case 'Succeeded':
    case 'Failed':
    case 'Skipped':
      return phase;
    default:
      return 'Stopped';
  }
}

/** An execution waiting between stages: ask the lanes in, go in once granted, or accept being superseded. */
function entry(execution: StartedExecution, lanes: LanesState, metadata: ExecutionCommandMetadata): EngineCommand[] {
  if (execution.status !== 'InProgress') return [];
  const stage = stageAwaitingEntry(execution.run);
  if (!stage) return [];
  const { executionId, inputs } = execution.run;
  switch (positionAt(lanes, executionId, stage.name)) {
    case 'Occupying': {
      const laneSequence = laneOf(lanes, stage.name).occupants.find((entry) => entry.executionId === executionId)?.sequence;
      return [{ aggregate: 'execution', command: { type: 'EnterStage', executionId, stageName: stage.name, ...(laneSequence === undefined ? {} : { laneSequence }), metadata } }];
    }
    case 'Waiting':
      return [];
    case 'Superseded': {
      const supersededBy = lanes.superseded[executionId]?.supersededBy ?? '';
      return [{ aggregate: 'execution', command: { type: 'SupersedeExecution', executionId, stageName: stage.name, supersededBy, metadata } }];
    }
    case 'Absent':
      return [
        {
          aggregate: 'lanes',
          command: {
            type: 'RequestStageEntry',
            pipeline: inputs.pipeline,
            executionId,
            stageName: stage.name,
            mode: inputs.executionMode,
            ...(execution.run.laneSequence === undefined ? {} : { sequence: execution.run.laneSequence }),
            metadata,
          },
        },
      ];
  }
}

/** Jobs to create, to time out, to put back on the queue, to cancel; finished jobs to apply; approvals to expire. */
function jobWork(execution: StartedExecution, jobs: ReadonlyMap<string, JobState>, metadata: ExecutionCommandMetadata): EngineCommand[] {
  const { run } = execution;
  const now = metadata.now;
  return run.stages.flatMap((stage) =>
    Object.entries(stage.actions).flatMap(([actionName, action]): EngineCommand[] => {
      if (action.status === 'Abandoned' && action.work.kind === 'Job') {
        const job = jobs.get(action.work.jobId) ?? initialJobState;
        if (job.status === 'NotCreated' || isFinished(job)) return [];
        return [{ aggregate: 'job', command: { type: 'CancelJob', jobId: action.work.jobId, reason: 'The action was abandoned.', metadata } }];
      }
      if (action.status !== 'InProgress') return [];
      const work = action.work;
      if (work.kind === 'Approval') {
        if (!hasPassed(work.expiresAt, now)) return [];
        return [{ aggregate: 'execution', command: { type: 'ExpireApproval', executionId: run.executionId, stageName: stage.name, actionName, token: work.token, metadata } }];
      }
      if (work.kind !== 'Job') return [];
      const job = jobs.get(work.jobId) ?? initialJobState;
      if (job.status === 'NotCreated') {
        const declaration = findStageDeclaration(run, stage.name)?.actions.find((candidate) => candidate.name === actionName);
        if (!declaration) return [];
        return [{ aggregate: 'job', command: { type: 'CreateJob', jobId: work.jobId, spec: jobSpecFor(run, declaration, { ...action, work }), metadata } }];
      }
      const outcome = jobOutcome(job);
      if (outcome) {
        return [
          {
            aggregate: 'execution',
            command: { type: 'CompleteActionJob', executionId: run.executionId, stageName: stage.name, actionName, jobId: work.jobId, outcome, metadata },
          },
        ];
      }
      if (pastDeadline(job, now)) return [{ aggregate: 'job', command: { type: 'TimeOutJob', jobId: work.jobId, metadata } }];
      if (leaseExpired(job, now)) return [{ aggregate: 'job', command: { type: 'RequeueJob', jobId: work.jobId, metadata } }];
      return [];
    }),
  );
}

/**
 * A stage condition asked for a rollback: start a rollback execution of the stage from the execution
 * that last succeeded in it. Without one there is nothing to roll back to and the execution stays failed.
 */
function rollbacks(execution: StartedExecution, lanes: LanesState, metadata: ExecutionCommandMetadata): EngineCommand[] {
  const { run } = execution;
  return run.stages.flatMap((stage: StageRun): EngineCommand[] => {
    if (stage.rollback.status !== 'Requested') return [];
    const target = laneOf(lanes, stage.name).lastSucceeded;
    if (target === null || target === run.executionId) return [];
    const rollbackExecutionId = rollbackExecutionIdFor(run.executionId, stage.name, stage.attempt);
    return [
      {
        aggregate: 'execution',
        command: {
          type: 'RerunStage',
          executionId: rollbackExecutionId,
          sourceExecutionId: target,
          stageName: stage.name,
          reason: 'Rollback',
          automatic: true,
          clientRequestToken: rollbackExecutionId,
          metadata,
        },
      },
      {
        aggregate: 'execution',
        command: { type: 'RecordStageRollbackStarted', executionId: run.executionId, stageName: stage.name, rollbackExecutionId, targetExecutionId: target, metadata },
      },
    ];
  });
}

function jobIdOf(action: ActionRun): string | null {
  if (action.status === 'InProgress' || action.status === 'Abandoned') return action.work.kind === 'Job' ? action.work.jobId : null;
  return null;
}

function systemMetadata(execution: StartedExecution, now: string, entropy: string): ExecutionCommandMetadata {
  return { now, account: execution.run.inputs.pipeline.account, actor: 'system', correlationId: execution.run.executionId, entropy };
}
