import type { ExecutionMode } from '@sluice/domain';
import type { CommandMetadata } from '@sluice/domain';
import type { PipelineRef, StageReleaseOutcome } from '@sluice/contracts';

export type LanesCommand = RequestStageEntry | ReleaseStage | DisableInboundTransition | EnableInboundTransition;

/** Engine: the execution reached the stage's inbound transition. `mode` is that of its definition snapshot. */
export interface RequestStageEntry {
  type: 'RequestStageEntry';
  pipeline: PipelineRef;
  executionId: string;
  stageName: string;
  mode: ExecutionMode;
  /** The execution's sequence once it entered a stage (`ExecutionRun.laneSequence`); absent before, when the lanes give one. */
  sequence?: number;
  metadata: CommandMetadata;
}

/** Engine: the execution is done with the stage (or, waiting for it, ended). */
export interface ReleaseStage {
  type: 'ReleaseStage';
  pipeline: PipelineRef;
  executionId: string;
  stageName: string;
  outcome: StageReleaseOutcome;
  metadata: CommandMetadata;
}

/**
 * Fed from the pipelines service's StageTransitionDisabled/Enabled events (which validate the stage
 * and record who asked): the lanes keep the copy that admission decisions read.
 */
export interface DisableInboundTransition {
  type: 'DisableInboundTransition';
  pipeline: PipelineRef;
  stageName: string;
  reason: string;
  metadata: CommandMetadata;
}

export interface EnableInboundTransition {
  type: 'EnableInboundTransition';
  pipeline: PipelineRef;
  stageName: string;
  metadata: CommandMetadata;
}
