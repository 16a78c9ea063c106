/**
 * What the triggers need from the executions engine. Structurally the same as its
 * `startPipelineExecution(caller, input)`, so that function is the adapter as it is, without this
 * library depending on the executions service.
 */
export interface TriggerCaller {
  account: string;
  actor: string;
}

export interface SourceRevisionOverride {
  actionName: string;
  /** A commit of a Git source; an object version (or ETag) of an S3 source. */
  revisionType: 'COMMIT_ID' | 'S3_OBJECT_VERSION_ID';
  revisionValue: string;
}

export interface TriggeredStart {
  triggerType: 'Webhook' | 'PollForSourceChanges';
  triggerDetail: string;
}

export interface TriggeredStartInput {
  name: string;
  sourceRevisions: SourceRevisionOverride[];
  /** Makes a repeated delivery or poll land on the same execution (the engine derives the id from it). */
  clientRequestToken: string;
  trigger: TriggeredStart;
}

export type StartExecutionPort = (caller: TriggerCaller, input: TriggeredStartInput) => Promise<{ pipelineExecutionId: string }>;
