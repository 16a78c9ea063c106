/**
 * Every operation Sluice authorizes, named like CodePipeline's (and IAM's) so AWS users recognize them.
 * The level says which resource a request names: the account itself (`srn:sluice:{account}:`), a
 * pipeline, a stage or an action, or a principal (`srn:sluice:{account}:principal/{id}`: the user or role
 * whose credentials a token or access key action touches), or an action type
 * (`srn:sluice:{account}:actiontype/{Owner}/{Category}/{Provider}/{Version}`: the jobs a worker takes and
 * reports, as CodePipeline scopes job workers), or a webhook (`srn:sluice:{account}:webhook/{name}`), or a secret
 * (`srn:sluice:{account}:secret/{name}`);
 * `resourceForAction` builds it.
 */
export type ResourceLevel = 'account' | 'pipeline' | 'stage' | 'action' | 'principal' | 'actiontype' | 'webhook' | 'secret';

export const SERVICE_PREFIX = 'sluice';

export interface ActionDefinition {
  /** `sluice:GetPipeline`. */
  readonly name: string;
  readonly level: ResourceLevel;
  /** Reads change nothing; the ReadOnly managed policy grants exactly these. */
  readonly readOnly: boolean;
}

function action(operation: string, level: ResourceLevel, readOnly: boolean): ActionDefinition {
  return { name: `${SERVICE_PREFIX}:${operation}`, level, readOnly };
}

const READ = true;
const WRITE = false;

export const SLUICE_ACTIONS: readonly ActionDefinition[] = [
  // Pipelines
  action('CreatePipeline', 'pipeline', WRITE),
  action('GetPipeline', 'pipeline', READ),
  action('UpdatePipeline', 'pipeline', WRITE),
  action('DeletePipeline', 'pipeline', WRITE),
  action('ListPipelines', 'account', READ),
  action('ListPipelineVersions', 'pipeline', READ),
  action('ImportAwsPipeline', 'pipeline', WRITE),
  action('TagResource', 'pipeline', WRITE),
  action('UntagResource', 'pipeline', WRITE),
  action('ListTagsForResource', 'pipeline', READ),
  // Transitions and executions
  action('DisableStageTransition', 'stage', WRITE),
  action('EnableStageTransition', 'stage', WRITE),
  action('StartPipelineExecution', 'pipeline', WRITE),
  action('StopPipelineExecution', 'pipeline', WRITE),
  action('RetryStageExecution', 'stage', WRITE),
  action('RollbackStage', 'stage', WRITE),
  action('GetPipelineState', 'pipeline', READ),
  action('GetPipelineExecution', 'pipeline', READ),
  action('ListPipelineExecutions', 'pipeline', READ),
  action('ListActionExecutions', 'pipeline', READ),
  action('PutApprovalResult', 'action', WRITE),
  // Artifacts: an execution's are read at its pipeline; retention acts on the account's store.
  action('ListArtifacts', 'pipeline', READ),
  action('GetArtifact', 'pipeline', READ),
  action('CollectArtifacts', 'account', WRITE),
  // An archive for an Upload source (PUT /artifacts/{account} naming no job): the upload is the account's claim.
  action('UploadSourceArchive', 'account', WRITE),
  // Job workers act on the jobs of one action type, as CodePipeline scopes them (PollForJobs on an
  // actiontype ARN): a worker of a custom type never sees a built-in type's jobs. GetJobDetails reads a job's
  // configuration, which the pipeline's readers do not need: ReadOnly leaves the action-type level out.
  action('PollForJobs', 'actiontype', WRITE),
  action('AcknowledgeJob', 'actiontype', WRITE),
  action('GetJobDetails', 'actiontype', READ),
  action('PutJobSuccessResult', 'actiontype', WRITE),
  action('PutJobFailureResult', 'actiontype', WRITE),
  // Action types
  action('CreateCustomActionType', 'account', WRITE),
  action('DeleteCustomActionType', 'account', WRITE),
  action('ListActionTypes', 'account', READ),
  // Webhooks (decision 0039): each its own resource; the listing is the account's.
  action('PutWebhook', 'webhook', WRITE),
  action('DeleteWebhook', 'webhook', WRITE),
  action('RegisterWebhookWithThirdParty', 'webhook', WRITE),
  action('DeregisterWebhookWithThirdParty', 'webhook', WRITE),
  action('ListWebhooks', 'account', READ),
  // Secrets (decision 0043), each its own resource. ManageSecrets creates, rotates and deletes; UseSecret lets a
  // definition saved by the caller hand the secret to its jobs; GetSecretValue would read a value back, which no API
  // answers (listed so that policies can deny it ahead of any such API; a read, but not ReadOnly's, as job details are
  // not). Listing shows names, versions and dates.
  action('ManageSecrets', 'secret', WRITE),
  action('UseSecret', 'secret', WRITE),
  action('GetSecretValue', 'secret', READ),
  action('ListSecrets', 'account', READ),
  // Action types (issue 19): one type read or a custom one changed, at the account as their siblings above.
  action('GetActionType', 'account', READ),
  action('UpdateActionType', 'account', WRITE),
  // Stage-condition rules (issue 19): the rule types are the engine's, the evaluations an execution's.
  action('ListRuleTypes', 'account', READ),
  action('ListRuleExecutions', 'pipeline', READ),
  action('OverrideStageCondition', 'stage', WRITE),
  // A source's new revision starts the pipeline: at the source action it names (issue 19).
  action('PutActionRevision', 'action', WRITE),
  // Where a deploy action execution deployed: read at its pipeline (issue 19).
  action('ListDeployActionExecutionTargets', 'pipeline', READ),
  // Environments (issue 21): what a pipeline deployed where, read at the pipeline.
  action('ListDeployments', 'pipeline', READ),
  // Freezes hold every pipeline of the account that deploys to the environment: decided at the account.
  action('ScheduleEnvironmentFreeze', 'account', WRITE),
  action('LiftEnvironmentFreeze', 'account', WRITE),
  action('ListEnvironmentFreezes', 'account', READ),
  // Retention (issue 20, decision 0056): how long the account keeps its history, and its sweep, decided at the account.
  action('GetRetentionSettings', 'account', READ),
  action('PutRetentionSettings', 'account', WRITE),
  action('RunRetentionSweep', 'account', WRITE),
  // Notification rules (issue 21, decision 0044): managed and read at the pipeline they watch.
  action('CreateNotificationRule', 'pipeline', WRITE),
  action('UpdateNotificationRule', 'pipeline', WRITE),
  action('TagNotificationRule', 'pipeline', WRITE),
  action('UntagNotificationRule', 'pipeline', WRITE),
  action('DeleteNotificationRule', 'pipeline', WRITE),
  action('ListNotificationRules', 'pipeline', READ),
  action('ListNotificationDeliveries', 'pipeline', READ),
  // Audit
  action('LookupAuditEvents', 'account', READ),
  action('VerifyAuditTrail', 'account', READ),
  action('GetMetrics', 'account', WRITE),
  // Identities and policies
  action('CreateAccount', 'account', WRITE),
  action('GetCallerIdentity', 'account', READ),
  action('GetUser', 'account', READ),
  action('GetGroup', 'account', READ),
  action('GetRole', 'account', READ),
  action('CreateUser', 'account', WRITE),
  action('DeleteUser', 'account', WRITE),
  action('ListUsers', 'account', READ),
  action('CreateGroup', 'account', WRITE),
  action('AddUserToGroup', 'account', WRITE),
  action('CreateRole', 'account', WRITE),
  action('DeleteRole', 'account', WRITE),
  action('ListRoles', 'account', READ),
  action('AssumeRole', 'account', WRITE),
  // Credentials act on the principal they belong to, so a policy can say "only for myself" (${sluice:username}).
  action('CreateToken', 'principal', WRITE),
  action('CreateAccessKey', 'principal', WRITE),
  action('DeleteAccessKey', 'principal', WRITE),
  action('ListAccessKeys', 'principal', READ),
  action('RevokeToken', 'principal', WRITE),
  action('ListTokens', 'principal', READ),
  action('PutPolicy', 'account', WRITE),
  action('GetPolicy', 'account', READ),
  action('DeletePolicy', 'account', WRITE),
  action('SimulatePrincipalPolicy', 'account', READ),
];

export const SLUICE_ACTION_NAMES: readonly string[] = SLUICE_ACTIONS.map((definition) => definition.name);

const BY_LOWERCASE_NAME: ReadonlyMap<string, ActionDefinition> = new Map(
  SLUICE_ACTIONS.map((definition) => [definition.name.toLowerCase(), definition]),
);

/** The catalogue entry of an action; names compare case-insensitively, as in IAM. */
export function findAction(name: string): ActionDefinition | undefined {
  return BY_LOWERCASE_NAME.get(name.toLowerCase());
}
