import type { PipelineDeclaration } from '@sluice/domain';
import type { Tag } from '../tag';

/** Event types are stored as is: renaming one is a migration. */
export type PipelineEvent =
  | PipelineCreated
  | PipelineUpdated
  | PipelineDeleted
  | StageTransitionDisabled
  | StageTransitionEnabled
  | PipelineTagged
  | PipelineUntagged;

export const PIPELINE_EVENT_TYPES = [
  'PipelineCreated',
  'PipelineUpdated',
  'PipelineDeleted',
  'StageTransitionDisabled',
  'StageTransitionEnabled',
  'PipelineTagged',
  'PipelineUntagged',
] as const satisfies ReadonlyArray<PipelineEvent['type']>;

/** `declaration` is the definition exactly as accepted, its `version` set. */
export interface PipelineCreated {
  type: 'PipelineCreated';
  data: { name: string; version: number; declaration: PipelineDeclaration; tags: Tag[]; created: string; createdBy: string };
}

export interface PipelineUpdated {
  type: 'PipelineUpdated';
  data: { name: string; version: number; declaration: PipelineDeclaration; updated: string; updatedBy: string };
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
