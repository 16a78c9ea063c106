import type { PipelineDeclaration, Tag } from '@sluice/domain';

/**
 * The pipelines service's published language: the events of `pipeline-{account}.{name}` streams, which
 * the relay carries to `PIPELINE_EVENTS_TOPIC`. Other services read them from the bus, never by importing
 * the pipelines service. Types are stored as is: renaming one is a migration.
 */
export type PipelineEvent =
  | PipelineCreated
  | PipelineUpdated
  | PipelineDeleted
  | StageTransitionDisabled
  | StageTransitionEnabled
  | PipelineTagged
  | PipelineUntagged;

export const PIPELINE_EVENTS_TOPIC = 'sluice.pipeline.events';

export const PIPELINE_EVENT_TYPES = [
  'PipelineCreated',
  'PipelineUpdated',
  'PipelineDeleted',
  'StageTransitionDisabled',
  'StageTransitionEnabled',
  'PipelineTagged',
  'PipelineUntagged',
] as const satisfies ReadonlyArray<PipelineEvent['type']>;

/**
 * `declaration` is the definition the engine runs, its `version` set: exactly as accepted, or, when it used
 * AWS-owned action types (CodeBuild, CodeCommit…), with those mapped to Sluice providers. Only then is
 * `givenDeclaration` present: the definition as given, its `version` set, which `getPipeline` returns (decision 0024).
 */
export interface PipelineCreated {
  type: 'PipelineCreated';
  data: {
    name: string;
    version: number;
    declaration: PipelineDeclaration;
    givenDeclaration?: Record<string, unknown>;
    tags: Tag[];
    created: string;
    createdBy: string;
  };
}

export interface PipelineUpdated {
  type: 'PipelineUpdated';
  data: { name: string; version: number; declaration: PipelineDeclaration; givenDeclaration?: Record<string, unknown>; updated: string; updatedBy: string };
}

export interface PipelineDeleted {
  type: 'PipelineDeleted';
  data: { name: string; version: number; deleted: string; deletedBy: string };
}

export type TransitionType = 'Inbound';

export interface StageTransitionDisabled {
  type: 'StageTransitionDisabled';
  data: { name: string; stageName: string; transitionType: TransitionType; reason: string; disabledBy: string; disabledAt: string };
}

export interface StageTransitionEnabled {
  type: 'StageTransitionEnabled';
  data: { name: string; stageName: string; transitionType: TransitionType; enabledBy: string; enabledAt: string };
}

export interface PipelineTagged {
  type: 'PipelineTagged';
  data: { name: string; tags: Tag[] };
}

export interface PipelineUntagged {
  type: 'PipelineUntagged';
  data: { name: string; tagKeys: string[] };
}

export function isPipelineEvent(event: { type: string }): event is PipelineEvent {
  return (PIPELINE_EVENT_TYPES as readonly string[]).includes(event.type);
}
