import type { ActionExecutionStarted, PipelineExecutionStarted } from './execution-events';
import type { ExecutionArrivedAtStage } from '../lanes/lanes-events';

/**
 * The fields a reader of any execution or lanes event looks for without switching on its type: where it happened
 * (stage, action), which execution a lanes event is about, and, on `PipelineExecutionStarted`, the pipeline.
 * Each is absent from the events that do not carry it; their types are the events' own.
 */
export type ExecutionEventFields = Partial<
  Pick<ActionExecutionStarted['data'], 'stageName' | 'actionName'> & Pick<ExecutionArrivedAtStage['data'], 'executionId'> & { inputs: Partial<Pick<PipelineExecutionStarted['data']['inputs'], 'pipeline'>> }
>;

/** The data of a stored execution or lanes event, read for its common fields. */
export function executionEventFields(event: { data: unknown }): ExecutionEventFields {
  return typeof event.data === 'object' && event.data !== null ? (event.data as ExecutionEventFields) : {};
}
