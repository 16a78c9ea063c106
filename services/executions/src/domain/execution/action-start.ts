import type { ActionDeclaration, StageDeclaration } from '@sluice/domain';
import { actionExecutionIdFor, approvalTokenFor, jobIdFor } from '../derived-ids';
import { addMinutes } from '../time';
import type { ActionExecutionStarted, ActionWork, ExecutionEvent } from './execution-events';
import { isApproval, type ArtifactRef } from './execution-inputs';
import type { ExecutionRun } from './execution-state';
import { runOrderOf } from './execution-state';
import { describeUnresolved, resolveList, resolveRecord, type UnresolvedReference, type VariableScope } from './variable-resolution';

/** CodePipeline's manual approvals wait 7 days. */
export const APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;
export const DEFAULT_ACTION_TIMEOUT_MINUTES = 60;

/**
 * The events that start one action: its configuration resolved against this execution's variables and
 * its input artifacts looked up by name. An action that cannot be handed out fails at once, with a
 * message naming every reference or artifact that was missing.
 */
export function startAction(run: ExecutionRun, stage: StageDeclaration, attempt: number, action: ActionDeclaration, now: string): ExecutionEvent[] {
  const actionExecutionId = actionExecutionIdFor(run.executionId, stage.name, action.name, attempt);
  const scope: VariableScope = {
    executionId: run.executionId,
    pipelineVariables: Object.fromEntries(run.inputs.variables.map((variable) => [variable.name, variable.value])),
    namespaces: run.namespaces,
  };
  const configuration = resolveRecord(action.configuration ?? {}, 'configuration', scope);
  const commands = resolveList(action.commands ?? [], 'commands', scope);
  const environment = resolveRecord(
    Object.fromEntries((action.environmentVariables ?? []).map((variable) => [variable.name, variable.value])),
    'environmentVariables',
    scope,
  );
  const inputArtifacts = (action.inputArtifacts ?? []).map((input) => run.artifacts[input.name]);
  const missingArtifacts = (action.inputArtifacts ?? []).filter((_, index) => inputArtifacts[index] === undefined).map((input) => input.name);
  const unresolved: UnresolvedReference[] = [configuration, commands, environment].flatMap((resolution) =>
    resolution.resolved ? [] : resolution.unresolved,
  );

  const ok = unresolved.length === 0 && missingArtifacts.length === 0;
  const work: ActionWork = !ok
    ? { kind: 'None' }
    : isApproval(action.actionTypeId)
      ? { kind: 'Approval', token: approvalTokenFor(actionExecutionId), expiresAt: addMinutes(now, action.timeoutInMinutes ?? APPROVAL_TIMEOUT_MINUTES) }
      : {
          kind: 'Job',
          jobId: jobIdFor(actionExecutionId, 0),
          deadline: addMinutes(now, action.timeoutInMinutes ?? DEFAULT_ACTION_TIMEOUT_MINUTES),
          continuationToken: null,
        };
  const startedEvent: ActionExecutionStarted = {
    type: 'ActionExecutionStarted',
    data: {
      stageName: stage.name,
      actionName: action.name,
      actionExecutionId,
      attempt,
      runOrder: runOrderOf(action),
      actionTypeId: action.actionTypeId,
      resolvedConfiguration: configuration.resolved ? configuration.value : (action.configuration ?? {}),
      resolvedCommands: commands.resolved ? commands.value : (action.commands ?? []),
      resolvedEnvironmentVariables: (action.environmentVariables ?? []).map((variable) => ({
        name: variable.name,
        value: environment.resolved ? (environment.value[variable.name] ?? variable.value) : variable.value,
        type: variable.type ?? 'PLAINTEXT',
      })),
      inputArtifacts: inputArtifacts.filter((artifact): artifact is ArtifactRef => artifact !== undefined),
      namespace: action.namespace ?? null,
      work,
      startedAt: now,
    },
  };
  if (ok) return [startedEvent];
  const failure =
    unresolved.length > 0
      ? { errorType: 'UnresolvedVariable' as const, message: `Unresolved variable reference: ${describeUnresolved(unresolved)}` }
      : {
          errorType: 'MissingInputArtifact' as const,
          message: `Input artifact ${missingArtifacts.map((name) => `"${name}"`).join(', ')} was not produced in this execution`,
        };
  return [
    startedEvent,
    {
      type: 'ActionExecutionFailed',
      data: { stageName: stage.name, actionName: action.name, actionExecutionId, ...failure, externalExecutionId: null, finishedAt: now },
    },
  ];
}
