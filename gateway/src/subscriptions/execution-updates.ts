import type { RecordedEvent } from '@sluice/eventing';
import { EXECUTION_LEVEL_EVENTS, executionEventFields, executionIdOfStream, pipelineOfLanesStream, statusOf } from '@sluice/contracts';

/** One change of an execution, as `executionUpdated` sends it. */
export interface ExecutionUpdate {
  /** The store position of the event, as a decimal string: pass it as `after` to resume. */
  cursor: string;
  pipelineName: string;
  pipelineExecutionId: string;
  /** The status the change gives what it is about: the action if `actionName` is set, else the stage, else the execution. */
  status: string | null;
  stageName: string | null;
  actionName: string | null;
  eventType: string;
  at: string;
}

/** One change of a pipeline's state (what `getPipelineState` answers), as `pipelineStateChanged` sends it. */
export interface PipelineStateChange {
  cursor: string;
  pipelineName: string;
  pipelineExecutionId: string | null;
  status: string | null;
  stageName: string | null;
  actionName: string | null;
  eventType: string;
  at: string;
}

/** An event of an `execution-` stream as an update; `pipelineName` is the execution's (its first event says it). */
export function toExecutionUpdate(event: RecordedEvent, pipelineName: string): ExecutionUpdate | undefined {
  const executionId = executionIdOfStream(event.streamId);
  if (executionId === undefined) return undefined;
  const data = executionEventFields(event);
  return {
    cursor: event.position.toString(),
    pipelineName,
    pipelineExecutionId: executionId,
    status: statusOf(event),
    stageName: data.stageName ?? null,
    actionName: EXECUTION_LEVEL_EVENTS.has(event.type) ? null : (data.actionName ?? null),
    eventType: event.type,
    at: event.metadata.occurredAt,
  };
}

/** An event of an `execution-` or `lanes-` stream as a pipeline state change. */
export function toPipelineStateChange(event: RecordedEvent, pipelineName: string): PipelineStateChange | undefined {
  const lanes = pipelineOfLanesStream(event.streamId);
  if (lanes === undefined) {
    const update = toExecutionUpdate(event, pipelineName);
    return update && { ...update };
  }
  const data = executionEventFields(event);
  return {
    cursor: event.position.toString(),
    pipelineName: lanes.name,
    pipelineExecutionId: data.executionId ?? null,
    status: statusOf(event),
    stageName: data.stageName ?? null,
    actionName: null,
    eventType: event.type,
    at: event.metadata.occurredAt,
  };
}
