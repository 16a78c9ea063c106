import type { ProviderFailureKind } from '../providers/provider-failure';
import type { CompletedJob } from '../workspace/run-job';
import type { JobData, JobFailureResult, JobFailureType, JobSuccessResult } from './job-api';

export function successResultOf(completed: CompletedJob, data: JobData): JobSuccessResult {
  return {
    outputArtifacts: completed.outputArtifacts.map((artifact) => ({ name: artifact.name, location: artifact.location })),
    outputVariables: completed.outputVariables,
    executionSummary: completed.summary,
    externalExecutionUrl: completed.externalLink ?? null,
    sourceRevision:
      completed.sourceRevision === undefined
        ? null
        : { actionName: data.actionName, ...completed.sourceRevision, revisionUrl: null },
  };
}

/** `TimedOut` and `Stopped` have no type of their own in CodePipeline: the message tells them apart. */
const failureTypes: Record<ProviderFailureKind, JobFailureType> = {
  JobFailed: 'JobFailed',
  ConfigurationError: 'ConfigurationError',
  RevisionUnavailable: 'RevisionUnavailable',
  TimedOut: 'JobFailed',
  Stopped: 'JobFailed',
};

export function failureResultOf(kind: ProviderFailureKind, message: string): JobFailureResult {
  return { type: failureTypes[kind], message };
}
