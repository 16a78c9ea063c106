import type { ExecutionMode } from '@sluice/domain';

/**
 * Events of the `lanes-{account}.{pipeline}` stream: who holds each stage, who waits at each inbound
 * transition and in which order, which transitions are disabled. One stream per pipeline, so every
 * locking decision of a pipeline is one append against one expected revision.
 */
export type LanesEvent =
  | ExecutionArrivedAtStage
  | StageEntryGranted
  | WaitingExecutionSuperseded
  | StageReleased
  | StageEntryWithdrawn
  | InboundTransitionDisabled
  | InboundTransitionEnabled;

/**
 * `sequence` orders executions of the pipeline: given at their first arrival, kept after. `keptBy: 'execution'`: the
 * execution keeps its own sequence (`StageExecutionStarted.laneSequence`) and brings it to its later arrivals, so the
 * lanes do not record it (decision 0073). Arrivals without it (appended before) are recorded in the lanes' state.
 */
export interface ExecutionArrivedAtStage {
  type: 'ExecutionArrivedAtStage';
  data: { executionId: string; stageName: string; sequence: number; mode: ExecutionMode; at: string; keptBy?: 'execution' };
}

export interface StageEntryGranted {
  type: 'StageEntryGranted';
  data: { executionId: string; stageName: string; at: string };
}

export interface WaitingExecutionSuperseded {
  type: 'WaitingExecutionSuperseded';
  data: { executionId: string; stageName: string; supersededBy: string; at: string };
}

export type StageReleaseOutcome = 'Succeeded' | 'Failed' | 'Skipped' | 'Stopped' | 'Superseded';

export interface StageReleased {
  type: 'StageReleased';
  data: { executionId: string; stageName: string; outcome: StageReleaseOutcome; at: string };
}

/** An execution that ended while waiting left the queue without entering. */
export interface StageEntryWithdrawn {
  type: 'StageEntryWithdrawn';
  data: { executionId: string; stageName: string; at: string };
}

export interface InboundTransitionDisabled {
  type: 'InboundTransitionDisabled';
  data: { stageName: string; reason: string; disabledBy: string; at: string };
}

export interface InboundTransitionEnabled {
  type: 'InboundTransitionEnabled';
  data: { stageName: string; enabledBy: string; at: string };
}
