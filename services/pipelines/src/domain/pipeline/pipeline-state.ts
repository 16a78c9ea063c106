import type { PipelineDeclaration } from '@sluice/domain';
import { assertNever } from '@sluice/domain';
import { mergeTags, withoutTags, type Tag } from '../tag';
import type { PipelineEvent } from '@sluice/contracts';

export interface DisabledTransition {
  reason: string;
  disabledBy: string;
  disabledAt: string;
}

export type PipelineState = NoPipeline | ActivePipeline | DeletedPipeline;

export interface NoPipeline {
  status: 'Absent';
}

export interface ActivePipeline {
  status: 'Active';
  name: string;
  version: number;
  declaration: PipelineDeclaration;
  /** Inbound transitions that are disabled, by stage name. */
  disabledTransitions: Readonly<Record<string, DisabledTransition>>;
  tags: Tag[];
}

/** Deleted names can be created again; versions go on from `lastVersion` (docs/decisions/0007). */
export interface DeletedPipeline {
  status: 'Deleted';
  name: string;
  lastVersion: number;
}

export const initialPipelineState: PipelineState = { status: 'Absent' };

export function evolvePipeline(state: PipelineState, event: PipelineEvent): PipelineState {
  switch (event.type) {
    case 'PipelineCreated':
      return {
        status: 'Active',
        name: event.data.name,
        version: event.data.version,
        declaration: event.data.declaration,
        disabledTransitions: {},
        tags: event.data.tags,
      };
    case 'PipelineUpdated': {
      if (state.status !== 'Active') return state;
      const stages = new Set(event.data.declaration.stages.map((s) => s.name));
      const disabledTransitions = Object.fromEntries(Object.entries(state.disabledTransitions).filter(([stage]) => stages.has(stage)));
      return { ...state, version: event.data.version, declaration: event.data.declaration, disabledTransitions };
    }
    case 'PipelineDeleted':
      return { status: 'Deleted', name: event.data.name, lastVersion: event.data.version };
    case 'StageTransitionDisabled': {
      if (state.status !== 'Active') return state;
      const { stageName, reason, disabledBy, disabledAt } = event.data;
      return { ...state, disabledTransitions: { ...state.disabledTransitions, [stageName]: { reason, disabledBy, disabledAt } } };
    }
    case 'StageTransitionEnabled': {
      if (state.status !== 'Active') return state;
      const { [event.data.stageName]: _enabled, ...stillDisabled } = state.disabledTransitions;
      return { ...state, disabledTransitions: stillDisabled };
    }
    case 'PipelineTagged':
      return state.status === 'Active' ? { ...state, tags: mergeTags(state.tags, event.data.tags) } : state;
    case 'PipelineUntagged':
      return state.status === 'Active' ? { ...state, tags: withoutTags(state.tags, event.data.tagKeys) } : state;
    default:
      return assertNever(event);
  }
}
