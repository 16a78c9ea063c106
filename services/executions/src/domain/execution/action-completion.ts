import { drawnJobId } from '../fresh-ids';
import type { CompleteActionJob } from './execution-commands';
import type { ExecutionEvent } from '@sluice/contracts';
import { requireAction, requireStarted } from './execution-guards';
import { andSettle } from './execution-progress';
import type { ExecutionState } from './execution-state';

/**
 * Applies the end of an action's job. Only the action's current job counts: the result of an earlier
 * job, of an abandoned action, or one delivered twice is ignored, so each result is applied once.
 */
export function completeActionJob(command: CompleteActionJob, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { action } = requireAction(execution, command.stageName, command.actionName);
  const run = execution.run.stages.find((stage) => stage.name === command.stageName)?.actions[command.actionName];
  if (!run || run.status !== 'InProgress' || run.work.kind !== 'Job' || run.work.jobId !== command.jobId) return [];
  const now = command.metadata.now;
  const base = { stageName: command.stageName, actionName: command.actionName, actionExecutionId: run.started.actionExecutionId };
  const outcome = command.outcome;
  switch (outcome.status) {
    case 'Succeeded': {
      const result = outcome.result;
      if (result.continuationToken !== null) {
        return [
          {
            type: 'ActionJobContinued',
            data: {
              stageName: command.stageName,
              actionName: command.actionName,
              previousJobId: command.jobId,
              jobId: drawnJobId(command.metadata.entropy, run.started.actionExecutionId, run.continuations + 1),
              continuationToken: result.continuationToken,
              deadline: run.work.deadline,
              at: now,
            },
          },
        ];
      }
      const declared = (action.outputArtifacts ?? []).map((artifact) => artifact.name);
      const missing = declared.filter((name) => !result.outputArtifacts.some((artifact) => artifact.name === name));
      if (missing.length > 0) {
        return andSettle(
          execution,
          [
            {
              type: 'ActionExecutionFailed',
              data: {
                ...base,
                errorType: 'MissingOutputArtifact',
                message: `The job succeeded without the output artifact ${missing.map((name) => `"${name}"`).join(', ')}`,
                externalExecutionId: result.externalExecutionId,
                finishedAt: now,
              },
            },
          ],
          command.metadata,
        );
      }
      return andSettle(
        execution,
        [
          {
            type: 'ActionExecutionSucceeded',
            data: {
              ...base,
              outputArtifacts: result.outputArtifacts
                .filter((artifact) => declared.includes(artifact.name))
                .map((artifact) => ({ ...artifact, producedBy: { stageName: command.stageName, actionName: command.actionName } })),
              outputVariables: result.outputVariables,
              summary: result.executionSummary,
              externalExecutionId: result.externalExecutionId,
              externalExecutionUrl: result.externalExecutionUrl,
              sourceRevision: result.sourceRevision,
              finishedAt: now,
            },
          },
        ],
        command.metadata,
      );
    }
    case 'Failed':
      return andSettle(
        execution,
        [
          {
            type: 'ActionExecutionFailed',
            data: {
              ...base,
              errorType: 'JobFailed',
              // errorType already says JobFailed; name the worker's own failure type only when it adds something.
              message: outcome.failure.type === 'JobFailed' ? outcome.failure.message : `${outcome.failure.type}: ${outcome.failure.message}`,
              externalExecutionId: outcome.failure.externalExecutionId,
              finishedAt: now,
            },
          },
        ],
        command.metadata,
      );
    case 'TimedOut':
      return andSettle(
        execution,
        [
          {
            type: 'ActionExecutionFailed',
            data: { ...base, errorType: 'TimedOut', message: `The action did not finish by its deadline, ${run.work.deadline}.`, externalExecutionId: null, finishedAt: now },
          },
        ],
        command.metadata,
      );
  }
}
