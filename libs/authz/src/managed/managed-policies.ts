import { formatResourceName } from '@sluice/domain';
import { accountResourceName, ACTION_TYPE_RESOURCE_PART, PRINCIPAL_RESOURCE_PART } from '../actions/request-resource';
import { SLUICE_ACTIONS } from '../actions/action-catalogue';
import type { NamedPolicy, PolicyDocument } from '../policy/policy-document';

/**
 * The policies Sluice ships, per account. Each is computed from the action catalogue, so an action
 * added there with `readOnly: true` is in ReadOnly, Operator and Approver at once.
 */
export const MANAGED_POLICY_VERSION = '2026-01-01';

/** The operations an operator adds to reading: running pipelines, not changing them. */
export const OPERATOR_ACTIONS: readonly string[] = [
  'sluice:StartPipelineExecution',
  // Releasing a change of an Upload source means uploading its archive first.
  'sluice:UploadSourceArchive',
  'sluice:StopPipelineExecution',
  'sluice:RetryStageExecution',
  'sluice:RollbackStage',
  'sluice:DisableStageTransition',
  'sluice:EnableStageTransition',
  'sluice:PutActionRevision',
  'sluice:OverrideStageCondition',
];

/**
 * What every managed policy but Admin adds: a user keeps its own credentials (API tokens and SigV4 access
 * keys: create, list, revoke), never another principal's. Admin does it for everyone (`sluice:*`).
 */
export const OWN_CREDENTIAL_ACTIONS: readonly string[] = [
  'sluice:CreateToken',
  'sluice:ListTokens',
  'sluice:RevokeToken',
  'sluice:CreateAccessKey',
  'sluice:ListAccessKeys',
  'sluice:DeleteAccessKey',
];

/**
 * The caller's own principal, `srn:sluice:{account}:principal/${sluice:username}`: the variable is the user's
 * name, so a role session (which has none) gets nothing from it and cannot mint credentials for its role.
 */
export function ownPrincipalIn(account: string): string {
  return `${accountResourceName(account)}${PRINCIPAL_RESOURCE_PART}\${sluice:username}`;
}

function ownCredentials(account: string): PolicyDocument['Statement'][number] {
  return { Sid: 'ManageOwnCredentials', Effect: 'Allow', Action: OWN_CREDENTIAL_ACTIONS, Resource: ownPrincipalIn(account) };
}

/** Everything in the account: the account resource (`srn:sluice:acme:`) and every pipeline, stage and action. */
export function everythingIn(account: string): string {
  return `${accountResourceName(account)}*`;
}

/**
 * What reading the account means: every read but the job queue's (GetJobDetails hands out a job's resolved
 * configuration; it belongs to the workers of that action type, not to whoever reads pipelines) and a secret's value
 * (GetSecretValue, decision 0043). Listing the secrets' names is a read like any other.
 */
export function readOnlyActions(): string[] {
  return SLUICE_ACTIONS.filter((action) => action.readOnly && action.level !== 'actiontype' && action.level !== 'secret').map((action) => action.name);
}

/** The job-worker protocol: take, read and report the jobs of an action type. */
export const JOB_WORKER_ACTIONS: readonly string[] = SLUICE_ACTIONS.filter((action) => action.level === 'actiontype').map((action) => action.name);

/**
 * A worker of the given action types of `account` (`{Owner}/{Category}/{Provider}/{Version}` patterns, e.g.
 * `Custom/Build/MyTool/1` or `Sluice/*`): the job-worker actions on those types, nothing else.
 */
export function jobWorkerPolicy(account: string, actionTypes: readonly string[]): NamedPolicy {
  return managed('JobWorker', [
    { Sid: 'TakeAndReportJobs', Effect: 'Allow', Action: [...JOB_WORKER_ACTIONS], Resource: actionTypes.map((pattern) => `${accountResourceName(account)}${ACTION_TYPE_RESOURCE_PART}${pattern}`) },
  ]);
}

/** Reads everything in the account (everyone's token and key listings included), and keeps its own credentials. */
export function readOnlyPolicy(account: string): NamedPolicy {
  return managed('ReadOnly', [{ Sid: 'ReadEverything', Effect: 'Allow', Action: readOnlyActions(), Resource: everythingIn(account) }, ownCredentials(account)]);
}

export function operatorPolicy(account: string): NamedPolicy {
  return managed('Operator', [
    { Sid: 'ReadEverything', Effect: 'Allow', Action: readOnlyActions(), Resource: everythingIn(account) },
    { Sid: 'OperatePipelines', Effect: 'Allow', Action: OPERATOR_ACTIONS, Resource: everythingIn(account) },
    ownCredentials(account),
  ]);
}

/**
 * Approve or reject at one pipeline, stage or manual action, and read that pipeline (its state, executions,
 * versions) but nothing of the account beyond it; and keep its own credentials (create, list and revoke
 * its own tokens and access keys, nobody else's).
 */
const PIPELINE_LEVELS: ReadonlySet<string> = new Set(['pipeline', 'stage', 'action']);

export function approverPolicy(account: string, pipeline: string, stage?: string, action?: string): NamedPolicy {
  const pipelineName = formatResourceName({ account, pipeline });
  const approvalScope =
    stage === undefined ? `${pipelineName}/*` : action === undefined ? `${formatResourceName({ account, pipeline, stage })}/*` : formatResourceName({ account, pipeline, stage, action });
  const pipelineReads = SLUICE_ACTIONS.filter((definition) => definition.readOnly && PIPELINE_LEVELS.has(definition.level)).map((definition) => definition.name);
  return managed('Approver', [
    { Sid: 'Approve', Effect: 'Allow', Action: 'sluice:PutApprovalResult', Resource: approvalScope },
    { Sid: 'ReadThePipeline', Effect: 'Allow', Action: pipelineReads, Resource: [pipelineName, `${pipelineName}/*`] },
    ownCredentials(account),
  ]);
}

export function adminPolicy(account: string): NamedPolicy {
  return managed('Admin', [{ Sid: 'Everything', Effect: 'Allow', Action: 'sluice:*', Resource: everythingIn(account) }]);
}

function managed(name: string, statements: PolicyDocument['Statement']): NamedPolicy {
  return { name, document: { Version: MANAGED_POLICY_VERSION, Statement: statements } };
}

