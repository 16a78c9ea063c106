import type { WorkerJob } from '../workspace/run-job';
import type { PolledJob } from './job-api';

/**
 * The provider's view of a polled job. The engine resolves `#{…}` in configuration, commands and
 * environment variables itself and sends no variable map, so `variables` is empty: in a Commands
 * action's commands a reference became `"${SourceVariables_CommitId}"`, its value one of the job's
 * environment variables (decision 0026).
 */
export function workerJobOf(job: PolledJob, now: number): WorkerJob {
  const data = job.data;
  return {
    jobId: job.id,
    account: job.accountId,
    pipelineExecutionId: data.executionId,
    stageName: data.stageName,
    actionName: data.actionName,
    configuration: data.configuration,
    ...(data.commands.length > 0 ? { commands: data.commands } : {}),
    inputArtifacts: data.inputArtifacts.map((artifact) => ({ name: artifact.name, location: artifact.location })),
    outputArtifacts: data.outputArtifacts.map((artifact) => (artifact.files.length > 0 ? { name: artifact.name, files: artifact.files } : { name: artifact.name })),
    environmentVariables: data.environmentVariables.map((variable) => ({ name: variable.name, value: variable.value })),
    outputVariables: data.outputVariables,
    ...(data.sourceRevision !== null ? { sourceRevision: data.sourceRevision.revisionId } : {}),
    timeoutMs: Math.max(1, Date.parse(data.deadline) - now),
    variables: {},
  };
}
