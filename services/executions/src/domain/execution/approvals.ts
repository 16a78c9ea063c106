import { AccessDeniedError, IllegalStateError, invalidInput } from '../errors';
import { hasPassed } from '../time';
import type { ExpireApproval, PutApprovalResult } from './execution-commands';
import { type ExecutionEvent, isApproval } from '@sluice/contracts';
import { requireAction, requireStarted } from './execution-guards';
import { andSettle } from './execution-progress';
import type { ExecutionState } from './execution-state';

export const APPROVAL_SUMMARY_MAX_LENGTH = 512;

export function putApprovalResult(command: PutApprovalResult, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { stage, action } = requireAction(execution, command.stageName, command.actionName);
  const { now, actor } = command.metadata;
  if (!isApproval(action.actionTypeId)) throw invalidInput('$.actionName', `Action '${command.actionName}' is not a manual approval.`);
  if (command.result.summary.length > APPROVAL_SUMMARY_MAX_LENGTH) {
    throw invalidInput('$.result.summary', `The summary is longer than ${APPROVAL_SUMMARY_MAX_LENGTH} characters.`);
  }
  if (!command.authorized) throw new AccessDeniedError(actor, `${actor} may not approve or reject action '${command.actionName}'.`);
  const run = stage.actions[command.actionName];
  if (!run || run.status !== 'InProgress' || run.work.kind !== 'Approval') {
    // Answered (or abandoned) already; else the action has not started again since the token was handed out.
    const code = run && run.status !== 'NotStarted' && run.status !== 'InProgress' ? 'APPROVAL_ALREADY_COMPLETED' : 'INVALID_APPROVAL_TOKEN';
    throw new IllegalStateError(`Action '${command.actionName}' is not waiting for approval (it is ${run?.status ?? 'unknown'}).`, code);
  }
  if (run.work.token !== command.token) {
    throw invalidInput('$.token', `The token does not match the current approval request of action '${command.actionName}'.`, 'invalid_input', 'INVALID_APPROVAL_TOKEN');
  }
  const base = { stageName: command.stageName, actionName: command.actionName, actionExecutionId: run.started.actionExecutionId };
  const recorded: ExecutionEvent = {
    type: 'ApprovalResultRecorded',
    data: { stageName: command.stageName, actionName: command.actionName, token: command.token, ...command.result, approvedBy: actor, at: now },
  };
  const outcome: ExecutionEvent =
    command.result.status === 'Approved'
      ? {
          type: 'ActionExecutionSucceeded',
          data: {
            ...base,
            outputArtifacts: [],
            outputVariables: {},
            summary: command.result.summary,
            externalExecutionId: null,
            externalExecutionUrl: null,
            sourceRevision: null,
            finishedAt: now,
          },
        }
      : {
          type: 'ActionExecutionFailed',
          data: { ...base, errorType: 'ApprovalRejected', message: `Rejected by ${actor}: ${command.result.summary}`, externalExecutionId: null, finishedAt: now },
        };
  return andSettle(execution, [recorded, outcome], command.metadata);
}

/** Engine: an approval nobody answered in time fails its action. Early or stale expiries change nothing. */
export function expireApproval(command: ExpireApproval, state: ExecutionState): ExecutionEvent[] {
  const execution = requireStarted(state, command.executionId);
  const { stage } = requireAction(execution, command.stageName, command.actionName);
  const run = stage.actions[command.actionName];
  const now = command.metadata.now;
  if (!run || run.status !== 'InProgress' || run.work.kind !== 'Approval' || run.work.token !== command.token) return [];
  if (!hasPassed(run.work.expiresAt, now)) return [];
  return andSettle(
    execution,
    [
      {
        type: 'ActionExecutionFailed',
        data: {
          stageName: command.stageName,
          actionName: command.actionName,
          actionExecutionId: run.started.actionExecutionId,
          errorType: 'ApprovalExpired',
          message: `The approval request expired at ${run.work.expiresAt} without an answer.`,
          externalExecutionId: null,
          finishedAt: now,
        },
      },
    ],
    command.metadata,
  );
}
