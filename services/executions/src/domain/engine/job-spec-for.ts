import { actionSecretNames, type ActionDeclaration } from '@sluice/domain';
import type { ActionRun, ExecutionRun } from '../execution/execution-state';
import type { JobSpec } from '@sluice/contracts';

type RunningJob = Extract<ActionRun, { status: 'InProgress' }> & { work: { kind: 'Job' } };

/** The job of a running action, from what its start recorded (resolved values, artifacts, pinned revision). */
export function jobSpecFor(run: ExecutionRun, action: ActionDeclaration, running: RunningJob): JobSpec {
  const started = running.started;
  return {
    jobId: running.work.jobId,
    executionId: run.executionId,
    pipeline: run.inputs.pipeline,
    pipelineVersion: run.inputs.definition.version,
    stageName: started.stageName,
    actionName: started.actionName,
    actionExecutionId: started.actionExecutionId,
    actionTypeId: started.actionTypeId,
    configuration: started.resolvedConfiguration,
    commands: started.resolvedCommands,
    environmentVariables: started.resolvedEnvironmentVariables,
    inputArtifacts: started.inputArtifacts,
    outputArtifacts: (action.outputArtifacts ?? []).map((artifact) => ({ name: artifact.name, files: artifact.files ?? [] })),
    outputVariables: action.outputVariables ?? [],
    namespace: started.namespace,
    sourceRevision: run.sourceRevisions[started.actionName] ?? null,
    continuationToken: running.work.continuationToken,
    deadline: running.work.deadline,
    ...secretNamesOf(action),
  };
}

/** Only jobs that reference secrets carry the field, so every other job's spec (and its events) stays as it was. */
function secretNamesOf(action: ActionDeclaration): { secretNames?: string[] } {
  const names = actionSecretNames(action);
  return names.length > 0 ? { secretNames: names } : {};
}
