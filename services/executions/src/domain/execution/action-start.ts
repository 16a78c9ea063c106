import { isPipelineInvoke, type ActionDeclaration, type StageDeclaration } from '@sluice/domain';
import { actionExecutionIdFor, invokedExecutionIdFor } from '../derived-ids';
import { drawnApprovalToken, drawnJobId } from '../fresh-ids';
import { addMinutes } from '../time';
import { type ActionExecutionStarted, type ActionWork, type ExecutionEvent, isApproval, type ArtifactRef } from '@sluice/contracts';
import type { ExecutionRun } from './execution-state';
import type { SettleMetadata } from './execution-progress';
import { runOrderOf } from './execution-state';
import { resolveCommands, runsShellCommands, type CommandVariable } from './command-variables';
import { resolveInvocation } from './invocation-start';
import { describeUnresolved, resolveList, resolveRecord, type Resolution, type UnresolvedReference, type VariableScope } from './variable-resolution';

/** CodePipeline's manual approvals wait 7 days. */
export const APPROVAL_TIMEOUT_MINUTES = 7 * 24 * 60;
export const DEFAULT_ACTION_TIMEOUT_MINUTES = 60;
/** An invoked pipeline may itself wait for an approval: its invoker waits as long as an approval would. */
export const INVOKE_TIMEOUT_MINUTES = APPROVAL_TIMEOUT_MINUTES;

/**
 * The events that start one action: its configuration resolved against this execution's variables and
 * its input artifacts looked up by name. An action that cannot be handed out fails at once, with a
 * message naming every reference or artifact that was missing. Its job id or approval token is drawn from
 * the command's entropy: unguessable, and recorded in the event for whoever reads it next.
 */
export function startAction(run: ExecutionRun, stage: StageDeclaration, attempt: number, action: ActionDeclaration, metadata: SettleMetadata): ExecutionEvent[] {
  const { now, entropy } = metadata;
  const actionExecutionId = actionExecutionIdFor(run.executionId, stage.name, action.name, attempt);
  const scope: VariableScope = {
    executionId: run.executionId,
    pipelineVariables: Object.fromEntries(run.inputs.variables.map((variable) => [variable.name, variable.value])),
    namespaces: run.namespaces,
  };
  const resolved = resolveConfigurationAndCommands(action, scope);
  const { commands, commandEnvironment } = resolved;
  const invocation = isPipelineInvoke(action.actionTypeId) ? resolveInvocation(action, scope) : null;
  const configuration: Resolution<Record<string, string>> =
    invocation === null || invocation.kind === 'Invalid'
      ? resolved.configuration
      : invocation.kind === 'Unresolved'
        ? { resolved: false, unresolved: invocation.unresolved }
        : { resolved: true, value: invocation.configuration };
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

  const invalid = invocation?.kind === 'Invalid' ? invocation.message : null;
  const ok = unresolved.length === 0 && missingArtifacts.length === 0 && invalid === null;
  const work: ActionWork = !ok
    ? { kind: 'None' }
    : invocation?.kind === 'Resolved'
      ? {
          kind: 'Invoke',
          childExecutionId: invokedExecutionIdFor(actionExecutionId),
          ...invocation.invocation,
          deadline: addMinutes(now, action.timeoutInMinutes ?? INVOKE_TIMEOUT_MINUTES),
        }
    : isApproval(action.actionTypeId)
      ? { kind: 'Approval', token: drawnApprovalToken(entropy, actionExecutionId), expiresAt: addMinutes(now, action.timeoutInMinutes ?? APPROVAL_TIMEOUT_MINUTES) }
      : {
          kind: 'Job',
          jobId: drawnJobId(entropy, actionExecutionId, 0),
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
      // The references' variables come last: on a name clash, the value the commands' expansions read wins.
      resolvedEnvironmentVariables: [
        ...(action.environmentVariables ?? []).map((variable) => ({
          name: variable.name,
          value: environment.resolved ? (environment.value[variable.name] ?? variable.value) : variable.value,
          type: variable.type ?? 'PLAINTEXT',
        })),
        ...(ok ? commandEnvironment.map(commandVariable) : []),
      ],
      inputArtifacts: inputArtifacts.filter((artifact): artifact is ArtifactRef => artifact !== undefined),
      namespace: action.namespace ?? null,
      work,
      startedAt: now,
    },
  };
  if (ok) return [startedEvent];
  const failure =
    invalid !== null
      ? { errorType: 'InvokeRefused' as const, message: invalid }
      : unresolved.length > 0
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

const SECRET_REFERENCE = /^#\{secrets\.([A-Za-z0-9@_.-]+)\}$/;

/** A command's `#{secrets.Name}` becomes a SECRETS_MANAGER variable naming the secret: the value comes at hand-out (decision 0043). */
function commandVariable(variable: { name: string; value: string }): { name: string; value: string; type: string } {
  // Only the expansion of a reference written in the commands (`secrets_…`, a namespace no action can declare): a
  // variable's value that reads like a reference is text.
  const secret = variable.name.startsWith('secrets_') ? SECRET_REFERENCE.exec(variable.value) : null;
  return secret ? { name: variable.name, value: secret[1]!, type: 'SECRETS_MANAGER' } : { ...variable, type: 'PLAINTEXT' };
}

/**
 * The configuration and commands with every reference resolved. The commands of Sluice's Commands
 * actions (their `commands` and their `Commands` configuration) are bash: there, references become
 * expansions of environment variables (`commandEnvironment`, see command-variables.ts). Other texts are
 * no shell and get the values themselves.
 */
function resolveConfigurationAndCommands(
  action: ActionDeclaration,
  scope: VariableScope,
): { configuration: Resolution<Record<string, string>>; commands: Resolution<string[]>; commandEnvironment: CommandVariable[] } {
  const declared = action.configuration ?? {};
  if (!runsShellCommands(action.actionTypeId)) {
    return { configuration: resolveRecord(declared, 'configuration', scope), commands: resolveList(action.commands ?? [], 'commands', scope), commandEnvironment: [] };
  }
  const { Commands: configured, ...others } = declared;
  const shell = resolveCommands(configured, action.commands ?? [], scope);
  const resolvedOthers = resolveRecord(others, 'configuration', scope);
  const configuration: Resolution<Record<string, string>> =
    resolvedOthers.resolved && (shell.configured?.resolved ?? true)
      ? { resolved: true, value: { ...declared, ...resolvedOthers.value, ...(shell.configured?.resolved ? { Commands: shell.configured.value } : {}) } }
      : { resolved: false, unresolved: [resolvedOthers, shell.configured].flatMap((resolution) => (!resolution || resolution.resolved ? [] : resolution.unresolved)) };
  return { configuration, commands: shell.commands, commandEnvironment: shell.environment };
}
