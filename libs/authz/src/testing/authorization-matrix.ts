import { type ActionDefinition, SLUICE_ACTIONS } from '../actions/action-catalogue';
import { resourceForAction } from '../actions/request-resource';
import type { Principal } from '../evaluation/principal';
import { adminPolicy, approverPolicy, jobWorkerPolicy, operatorPolicy, readOnlyPolicy } from '../managed/managed-policies';
import { allow, policy, principal } from './policy-builders';

/**
 * The authorization matrix: principals × every catalogue action × targets in and out of their scope.
 * Each principal's expected decisions come from its written rule below, never from the authorizer, so
 * the gateway's end-to-end matrix can reuse the same table.
 */
export interface MatrixTarget {
  label: string;
  account: string;
  pipeline: string;
  stage: string;
  action: string;
  /** Whose credentials the token and access key actions touch. */
  principal: string;
  /** Whose jobs the job-worker actions take and report. */
  actionType: { owner: string; category: string; provider: string; version: string };
  /** The webhook the webhook actions act on. */
  webhook: string;
  /** The secret the secret actions act on (decision 0043). */
  secret: string;
}

const COMMANDS = { owner: 'Sluice', category: 'Build', provider: 'Commands', version: '1' };
const MY_TOOL = { owner: 'Custom', category: 'Build', provider: 'MyTool', version: '1' };

export const MATRIX_TARGETS: readonly MatrixTarget[] = [
  { label: 'acme/web Deploy approval, april\'s credentials', account: 'acme', pipeline: 'web', stage: 'Deploy', action: 'Approve', principal: 'april', actionType: COMMANDS, webhook: 'on-push', secret: 'db-password' },
  { label: 'acme/web Build, rita\'s credentials, jobs of Custom/Build/MyTool/1', account: 'acme', pipeline: 'web', stage: 'Build', action: 'Compile', principal: 'rita', actionType: MY_TOOL, webhook: 'on-push', secret: 'db-password' },
  { label: 'acme/prod Deploy approval, otto\'s credentials', account: 'acme', pipeline: 'prod', stage: 'Deploy', action: 'Approve', principal: 'otto', actionType: COMMANDS, webhook: 'on-push', secret: 'db-password' },
  { label: 'globex/web Deploy approval, bob\'s credentials, jobs of Custom/Build/MyTool/1', account: 'globex', pipeline: 'web', stage: 'Deploy', action: 'Approve', principal: 'bob', actionType: MY_TOOL, webhook: 'on-push', secret: 'db-password' },
];

/** Operator = everything read-only + these, restated here rather than imported from the code under test. */
const RUNS_PIPELINES = new Set([
  'sluice:StartPipelineExecution',
  'sluice:UploadSourceArchive',
  'sluice:StopPipelineExecution',
  'sluice:RetryStageExecution',
  'sluice:RollbackStage',
  'sluice:DisableStageTransition',
  'sluice:EnableStageTransition',
  'sluice:PutActionRevision',
  'sluice:OverrideStageCondition',
]);

/** Every managed policy but Admin lets a user keep its own tokens and access keys, restated here as well. */
const OWN_CREDENTIALS = new Set(['sluice:CreateToken', 'sluice:ListTokens', 'sluice:RevokeToken', 'sluice:CreateAccessKey', 'sluice:ListAccessKeys', 'sluice:DeleteAccessKey']);
const ownCredentials = (id: string, action: ActionDefinition, target: MatrixTarget) => target.account === 'acme' && OWN_CREDENTIALS.has(action.name) && target.principal === id;
const onPipeline = (action: ActionDefinition) => action.level !== 'account' && action.level !== 'principal' && action.level !== 'actiontype' && action.level !== 'webhook' && action.level !== 'secret';
/** What reading means in the managed policies: every read but the job queue's and a secret's value (restated, not imported). */
const reads = (action: ActionDefinition) => action.readOnly && action.level !== 'actiontype' && action.level !== 'secret';

export interface MatrixPrincipal {
  label: string;
  principal: Principal;
  /** The rule in words; `expected` is the same rule in code. */
  rule: string;
  expected: (action: ActionDefinition, target: MatrixTarget) => boolean;
}

export const MATRIX_PRINCIPALS: readonly MatrixPrincipal[] = [
  {
    label: 'admin of acme',
    principal: principal('alice', 'acme', [adminPolicy('acme')]),
    rule: 'every action in acme; nothing in globex',
    expected: (_action, target) => target.account === 'acme',
  },
  {
    label: 'read-only user of acme',
    principal: principal('rita', 'acme', [readOnlyPolicy('acme')]),
    rule: 'read-only actions in acme, and its own tokens and access keys',
    expected: (action, target) => (target.account === 'acme' && reads(action)) || ownCredentials('rita', action, target),
  },
  {
    label: 'approver of acme/web stage Deploy',
    principal: principal('april', 'acme', [approverPolicy('acme', 'web', 'Deploy')]),
    rule: 'PutApprovalResult on actions of web/Deploy; read-only actions on the web pipeline (not account-level reads); its own tokens and access keys',
    expected: (action, target) =>
      (target.account === 'acme' &&
        target.pipeline === 'web' &&
        ((action.name === 'sluice:PutApprovalResult' && target.stage === 'Deploy') || (action.readOnly && onPipeline(action)))) ||
      ownCredentials('april', action, target),
  },
  {
    label: 'operator of acme',
    principal: principal('otto', 'acme', [operatorPolicy('acme')]),
    rule: 'read-only actions and start/stop/retry/rollback/transitions in acme, and its own tokens and access keys',
    expected: (action, target) => (target.account === 'acme' && (reads(action) || RUNS_PIPELINES.has(action.name))) || ownCredentials('otto', action, target),
  },
  {
    label: 'globex user in acme\'s deployer role, session narrowed to web',
    principal: principal('deployer', 'acme', [operatorPolicy('acme')], {
      assumedBy: { id: 'bob', account: 'globex' },
      sessionPolicy: policy('session', allow('sluice:*', ['srn:sluice:acme:web', 'srn:sluice:acme:web/*'])),
    }),
    rule: 'what an operator may do, but only on the acme/web pipeline and its stages and actions (a session has no credentials of its own)',
    expected: (action, target) =>
      target.account === 'acme' && target.pipeline === 'web' && onPipeline(action) && (action.readOnly || RUNS_PIPELINES.has(action.name)),
  },
  {
    label: 'admin of acme with an explicit deny on prod',
    principal: principal('pat', 'acme', [
      adminPolicy('acme'),
      policy('ProtectProd', {
        Sid: 'OnlyReadProd',
        Effect: 'Deny',
        NotAction: ['sluice:Get*', 'sluice:List*'],
        Resource: ['srn:sluice:acme:prod', 'srn:sluice:acme:prod/*'],
      }),
    ]),
    rule: 'every action in acme, except that on the prod pipeline only Get* and List* actions',
    expected: (action, target) =>
      target.account === 'acme' && (!onPipeline(action) || target.pipeline !== 'prod' || /^sluice:(Get|List)/.test(action.name)),
  },
  {
    label: 'globex user granted * on * by globex',
    principal: principal('bob', 'globex', [policy('EverythingEverywhere', allow('*', '*'))]),
    rule: 'every action in globex; nothing in acme, whatever its own policies say',
    expected: (_action, target) => target.account === 'globex',
  },
  {
    label: 'worker of acme\'s custom action type MyTool',
    principal: principal('mytool-worker', 'acme', [jobWorkerPolicy('acme', ['Custom/Build/MyTool/1'])]),
    rule: 'the job-worker actions on jobs of Custom/Build/MyTool/1 in acme; no built-in type\'s jobs, nothing else',
    expected: (action, target) => target.account === 'acme' && action.level === 'actiontype' && target.actionType.owner === 'Custom' && target.actionType.provider === 'MyTool',
  },
  {
    label: 'acme user allowed only to list webhooks',
    principal: principal('hooks-reader', 'acme', [policy('ListHooks', allow('sluice:ListWebhooks', 'srn:sluice:acme:'))]),
    rule: 'ListWebhooks in acme; no put, delete or registration of a webhook (issue 19)',
    expected: (action, target) => target.account === 'acme' && action.name === 'sluice:ListWebhooks',
  },
  {
    label: 'acme user with no policies',
    principal: principal('nobody', 'acme', []),
    rule: 'nothing',
    expected: () => false,
  },
];

export interface MatrixCell {
  principal: MatrixPrincipal;
  action: ActionDefinition;
  target: MatrixTarget;
  /** The target cut to the action's level: the resource the request names. */
  resource: string;
  expected: boolean;
}

export function authorizationMatrixCells(): MatrixCell[] {
  return MATRIX_PRINCIPALS.flatMap((matrixPrincipal) =>
    SLUICE_ACTIONS.flatMap((action) =>
      MATRIX_TARGETS.map((target) => ({
        principal: matrixPrincipal,
        action,
        target,
        resource: resourceForAction(action.name, target),
        expected: matrixPrincipal.expected(action, target),
      })),
    ),
  );
}
