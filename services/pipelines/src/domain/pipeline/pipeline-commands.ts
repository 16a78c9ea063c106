import type { CommandMetadata } from '@sluice/domain';
import type { Tag } from '../tag';

/** Definitions arrive as untrusted JSON: the decider validates them. */
export type PipelineCommand =
  | CreatePipeline
  | UpdatePipeline
  | DeletePipeline
  | DisableStageTransition
  | EnableStageTransition
  | TagPipeline
  | UntagPipeline;

export interface CreatePipeline {
  type: 'CreatePipeline';
  declaration: unknown;
  tags: Tag[];
  metadata: CommandMetadata;
}

/** The expected version is `declaration.version`: the version the client read, as in CodePipeline. */
export interface UpdatePipeline {
  type: 'UpdatePipeline';
  declaration: unknown;
  metadata: CommandMetadata;
}

export interface DeletePipeline {
  type: 'DeletePipeline';
  name: string;
  metadata: CommandMetadata;
}

export interface DisableStageTransition {
  type: 'DisableStageTransition';
  pipelineName: string;
  stageName: string;
  transitionType: string;
  reason: string;
  metadata: CommandMetadata;
}

export interface EnableStageTransition {
  type: 'EnableStageTransition';
  pipelineName: string;
  stageName: string;
  transitionType: string;
  metadata: CommandMetadata;
}

export interface TagPipeline {
  type: 'TagPipeline';
  name: string;
  tags: Tag[];
  metadata: CommandMetadata;
}

export interface UntagPipeline {
  type: 'UntagPipeline';
  name: string;
  tagKeys: string[];
  metadata: CommandMetadata;
}

/** The pipeline a command is about, if its input names one at all (an invalid name reads no stream). */
export function pipelineNameOf(command: PipelineCommand): unknown {
  switch (command.type) {
    case 'CreatePipeline':
    case 'UpdatePipeline': {
      const declaration = command.declaration;
      return typeof declaration === 'object' && declaration !== null ? (declaration as { name?: unknown }).name : undefined;
    }
    case 'DisableStageTransition':
    case 'EnableStageTransition':
      return command.pipelineName;
    case 'DeletePipeline':
    case 'TagPipeline':
    case 'UntagPipeline':
      return command.name;
  }
}
