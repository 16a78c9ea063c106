import type { ActionTypeId } from '@sluice/domain';
import type { PipelineRef } from '../streams';
import type { ArtifactRef, SourceRevision } from '../executions/execution-inputs';

/** Everything a worker needs to run one action: CodePipeline's `JobData`, with every `#{…}` already resolved. */
export interface JobSpec {
  jobId: string;
  executionId: string;
  pipeline: PipelineRef;
  pipelineVersion: number;
  stageName: string;
  actionName: string;
  actionExecutionId: string;
  actionTypeId: ActionTypeId;
  configuration: Record<string, string>;
  commands: string[];
  environmentVariables: Array<{ name: string; value: string; type: string }>;
  inputArtifacts: ArtifactRef[];
  outputArtifacts: Array<{ name: string; files: string[] }>;
  /** Variables a compute action exports (its `outputVariables`). */
  outputVariables: string[];
  namespace: string | null;
  /** The revision a source action must fetch: pinned on a retry or re-run, null for "the head now". */
  sourceRevision: SourceRevision | null;
  /** Set on the follow-up job of a long-running action (CodePipeline's continuation token). */
  continuationToken: string | null;
  /** The action's timeout, as an instant. */
  deadline: string;
  /**
   * The account's secrets the action's own declaration references (decision 0043), by name: the only ones the job
   * may receive, resolved when it is handed to a worker. Absent on jobs from before secrets.
   */
  secretNames?: string[];
}

export interface JobSuccess {
  outputArtifacts: Array<{ name: string; location: string }>;
  outputVariables: Record<string, string>;
  executionSummary: string | null;
  externalExecutionId: string | null;
  externalExecutionUrl: string | null;
  /** What a source action fetched: recorded, so a retry fetches the same. */
  sourceRevision: SourceRevision | null;
  /** Present when the work is not finished: the engine creates a follow-up job carrying it. */
  continuationToken: string | null;
}

export const JOB_FAILURE_TYPES = [
  'JobFailed',
  'ConfigurationError',
  'PermissionError',
  'RevisionOutOfSync',
  'RevisionUnavailable',
  'SystemUnavailable',
] as const;
export type JobFailureType = (typeof JOB_FAILURE_TYPES)[number];

export interface JobFailure {
  type: JobFailureType;
  message: string;
  externalExecutionId: string | null;
}

export function emptyJobSuccess(): JobSuccess {
  return {
    outputArtifacts: [],
    outputVariables: {},
    executionSummary: null,
    externalExecutionId: null,
    externalExecutionUrl: null,
    sourceRevision: null,
    continuationToken: null,
  };
}
