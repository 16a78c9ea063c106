import { accountIdProblem, importAwsPipeline, invokedPipelineNames, mapAwsOwnedActions, secretNameProblem, type ActionTypeIdLike, parseResourceName } from '@sluice/domain';
import { accountResourceName, actionTypeIdProblem, principalIdProblem, resourceForAction, webhookNameProblem, type ResourceTarget } from '@sluice/authz';

/** A root field's arguments, coerced by GraphQL (defaults applied, variables substituted). */
export type FieldArguments = Readonly<Record<string, unknown>>;

/** What deriving a resource may need beyond the arguments. */
export interface TargetLookup {
  /** The caller's account: the one the request acts in unless an argument names another. */
  account: string;
  /** The pipeline an execution runs, from the store; undefined when no such execution exists in `account`. */
  pipelineOfExecution(executionId: string): Promise<string | undefined>;
  /** The caller's own principal id: whose access key `createAccessKey` without `principalId` makes. */
  principalId?: string;
  /** The principal a token of `account` belongs to, from the store; undefined for an unknown token or another account's. */
  principalOfToken?(tokenId: string): Promise<string | undefined>;
  /** The principal an access key of `account` belongs to, from the store; undefined as for tokens. */
  principalOfAccessKey?(accessKeyId: string): Promise<string | undefined>;
  /** The action type of a job of `account`, from the store; undefined for an unknown job or another account's. */
  actionTypeOfJob?(jobId: string): Promise<ActionTypeIdLike | undefined>;
}

/** An argument that does not say which resource the request acts on: a BAD_USER_INPUT naming `path`. */
export class TargetArgumentError extends Error {
  override readonly name = 'TargetArgumentError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/**
 * How one root field is authorized: the catalogue action, and the resource target from the arguments
 * (`resourceForAction` cuts it to the action's level). `authenticatedOnly` fields (who am I) need a
 * valid token and nothing else, as STS GetCallerIdentity; they are still audited under `action`.
 */
export interface OperationRule {
  action: string;
  target?: (args: FieldArguments, lookup: TargetLookup) => ResourceTarget | Promise<ResourceTarget>;
  /** Instead of `target`: a field acting on several resources at once (pollForAnyJobs), allowed only when every one is. */
  targets?: (args: FieldArguments, lookup: TargetLookup) => ResourceTarget[];
  authenticatedOnly?: true;
  /**
   * Subscriptions whose every event is authorized again on its own resource: when the target names no
   * pipeline (all of the account's executions), the subscribe itself needs only a valid token.
   */
  perEventFilter?: true;
  /**
   * A query across the account's pipelines that answers only about those the principal may read with `action`
   * (pipelineGraph, decision 0054): a token is enough to call it, and the gateway tells the subgraph which pipelines
   * those are (READABLE_PIPELINES_HEADER), so nothing of another pipeline, not even its name, leaves the subgraph.
   */
  readablePipelinesOnly?: true;
  /**
   * Asks only the caller's own policies, across the account boundary (`authorizeOwnPolicies`): assumeRole,
   * whose other half, the role's trust policy, the permissions service checks (decision 0011).
   */
  ownPoliciesOnly?: true;
  /**
   * Further rights the same call needs, each on its own resource, after `action` is allowed: a definition that
   * references secrets needs `sluice:UseSecret` on each (decision 0043). The first refused one refuses the call.
   */
  alsoRequires?: (args: FieldArguments, lookup: TargetLookup) => Array<{ action: string; target: ResourceTarget }>;
}

export type RootOperation = 'query' | 'mutation' | 'subscription';

const text = (args: FieldArguments, name: string): string => {
  const value = args[name];
  if (typeof value !== 'string' || value === '') throw new TargetArgumentError(name, 'must be a non-empty string');
  return value;
};
const optionalText = (args: FieldArguments, name: string): string | undefined => (typeof args[name] === 'string' ? (args[name] as string) : undefined);

/** `pipeline.name` of a definition argument (createPipeline, updatePipeline). */
const definitionName = (args: FieldArguments, name: string, pathInside: string[]): string => {
  let value: unknown = args[name];
  for (const key of pathInside) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string' || value === '') throw new TargetArgumentError([name, ...pathInside].join('.'), 'must name the pipeline (a non-empty string)');
  return value;
};

/** A webhook of the caller's account by name (`name`, or `webhook.name` of putWebhook's definition). */
const webhookFrom = (argument: string, pathInside: string[] = []) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => {
  let value: unknown = args[argument];
  for (const key of pathInside) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  const path = [argument, ...pathInside].join('.');
  if (typeof value !== 'string') throw new TargetArgumentError(path, 'must name the webhook (a string)');
  const problem = webhookNameProblem(value);
  if (problem) throw new TargetArgumentError(path, problem);
  return { account: lookup.account, webhook: value };
};

/** A secret of the caller's account by name. */
const secretFrom = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => {
  const value = args[argument];
  if (typeof value !== 'string') throw new TargetArgumentError(argument, 'must name the secret (a string)');
  const problem = secretNameProblem(value);
  if (problem) throw new TargetArgumentError(argument, problem);
  return { account: lookup.account, secret: value };
};

/**
 * The rule of decision 0043: whoever saves a definition vouches for every secret it references, so saving needs
 * `sluice:UseSecret` on each. A job receives only secrets its action's declaration references, so a principal who may
 * edit the pipeline but not use a secret cannot make a job receive it. Names no secret can have are left to the
 * validation (an issue at their JSON path).
 */
const usesSecretsOf = (argument: string, form: 'sluice' | 'aws') => (args: FieldArguments, lookup: TargetLookup): Array<{ action: string; target: ResourceTarget }> => {
  return [...new Set(definitionsToScan(args[argument], form).flatMap(secretNamesIn))]
    .sort()
    .filter((name) => !secretNameProblem(name))
    .map((name) => ({ action: 'sluice:UseSecret', target: { account: lookup.account, secret: name } }));
};

/**
 * The rule of decision 0052: whoever saves a definition that invokes other pipelines must be allowed to start each,
 * in the same account (an invoke names no account). The target is a literal name, so what was authorized here is all
 * that any start of this pipeline can invoke.
 */
const startsInvokedPipelines = (argument: string, form: 'sluice' | 'aws') => (args: FieldArguments, lookup: TargetLookup): Array<{ action: string; target: ResourceTarget }> =>
  [...new Set(definitionsToScan(args[argument], form).flatMap(invokedPipelineNames))]
    .sort()
    .map((pipeline) => ({ action: 'sluice:StartPipelineExecution', target: { account: lookup.account, pipeline } }));

/** Everything saving a definition vouches for: its secrets and the pipelines it invokes. */
const savingRequires = (argument: string, form: 'sluice' | 'aws') => (args: FieldArguments, lookup: TargetLookup): Array<{ action: string; target: ResourceTarget }> => [
  ...usesSecretsOf(argument, form)(args, lookup),
  ...startsInvokedPipelines(argument, form)(args, lookup),
];

/**
 * The forms of a definition whose references a job could receive: as given, and as it will run (AWS-owned actions
 * mapped to Sluice's, an imported AWS pipeline converted), since a CodeBuild action's EnvironmentVariables or inline
 * buildspec `secrets-manager` become SECRETS_MANAGER variables only then. A definition the mapping refuses is refused
 * later anyway.
 */
function definitionsToScan(input: unknown, form: 'sluice' | 'aws'): unknown[] {
  try {
    if (form === 'aws') return [importAwsPipeline(input).pipeline];
    const mapping = mapAwsOwnedActions(input);
    return mapping.kind === 'none' ? [input] : [input, mapping.runnable];
  } catch {
    return [input];
  }
}

/** The secret names a definition (CodePipeline's JSON, unvalidated) references: SECRETS_MANAGER variables and `#{secrets.Name}`. */
function secretNamesIn(definition: unknown): string[] {
  const names = new Set<string>();
  const stages = (definition as { stages?: unknown } | null)?.stages;
  for (const stage of Array.isArray(stages) ? stages : []) {
    const actions = (stage as { actions?: unknown } | null)?.actions;
    for (const action of Array.isArray(actions) ? actions : []) {
      if (action === null || typeof action !== 'object') continue;
      const texts: string[] = [];
      const { configuration, commands, environmentVariables } = action as Record<string, unknown>;
      if (configuration !== null && typeof configuration === 'object') texts.push(...Object.values(configuration).filter((v): v is string => typeof v === 'string'));
      if (Array.isArray(commands)) texts.push(...commands.filter((v): v is string => typeof v === 'string'));
      for (const variable of Array.isArray(environmentVariables) ? environmentVariables : []) {
        const { type, value } = (variable ?? {}) as { type?: unknown; value?: unknown };
        if (typeof value !== 'string') continue;
        if (type === 'SECRETS_MANAGER') names.add(value.split(':')[0]!);
        else texts.push(value);
      }
      for (const text of texts) for (const match of text.matchAll(/#\{secrets\.([A-Za-z0-9@_.-]+)\}/g)) names.add(match[1]!);
    }
  }
  return [...names].sort();
}

// Each a target at one level; the account is the caller's unless the rule says otherwise.
const account = (): ((args: FieldArguments, lookup: TargetLookup) => ResourceTarget) => (_args, lookup) => ({ account: lookup.account });
const pipelineFrom = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => ({ account: lookup.account, pipeline: text(args, argument) });
const stageFrom = (pipeline: string, stage: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => ({
  account: lookup.account,
  pipeline: text(args, pipeline),
  stage: text(args, stage),
});

/** The pipeline of an execution named by id only; an unknown execution is authorized at the account (no existence leak). */
const executionFrom = (argument: string) => async (args: FieldArguments, lookup: TargetLookup): Promise<ResourceTarget> => {
  const pipeline = await lookup.pipelineOfExecution(text(args, argument));
  return pipeline === undefined ? { account: lookup.account } : { account: lookup.account, pipeline };
};

/** `resourceArn` names the pipeline, in any account (another account's is then denied by the account boundary). */
const pipelineArn = (args: FieldArguments): ResourceTarget => {
  const arn = text(args, 'resourceArn');
  const parsed = parseResourceName(arn);
  if (!parsed.ok) throw new TargetArgumentError('resourceArn', parsed.problem);
  if (parsed.name.stage !== undefined) throw new TargetArgumentError('resourceArn', `'${arn}' names a stage or an action; tags belong to pipelines`);
  return { account: parsed.name.account, pipeline: parsed.name.pipeline };
};

/** `verifyAuditTrail(account)` and the like: another account than the caller's is named (and then denied by the boundary). */
const accountFrom = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => ({ account: optionalText(args, argument) ?? lookup.account });

/** `role` of assumeRole: a role name in the caller's account, or `srn:sluice:{account}:principal/{role}` (the account acted in). */
const roleAccount = (args: FieldArguments, lookup: TargetLookup): ResourceTarget => {
  const role = text(args, 'role');
  if (!role.startsWith('srn:')) return { account: lookup.account };
  const match = /^srn:sluice:([^:]+):principal\/[^/]+$/.exec(role);
  if (!match || accountIdProblem(match[1]!)) throw new TargetArgumentError('role', `'${role}' is neither a role name nor srn:sluice:{account}:principal/{role}`);
  return { account: match[1]! };
};

// Credentials are authorized at the principal they belong to (`srn:sluice:{account}:principal/{id}`), so a policy
// can grant them for the caller itself (`principal/${sluice:username}`). Without a principal (the account's whole
// list, an unknown token or key) the account itself is the resource: only account-wide rights reach it.
const principalTarget = (account: string, id: string | undefined, argument: string): ResourceTarget => {
  if (id === undefined) return { account };
  const problem = principalIdProblem(id);
  if (problem) throw new TargetArgumentError(argument, problem);
  return { account, principal: id };
};
const principalFrom = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => principalTarget(lookup.account, text(args, argument), argument);
const principalOrAccount = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => principalTarget(lookup.account, optionalText(args, argument), argument);
const principalOrCaller = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget =>
  principalTarget(lookup.account, optionalText(args, argument) ?? lookup.principalId, argument);
const ownerOfToken = async (args: FieldArguments, lookup: TargetLookup): Promise<ResourceTarget> =>
  principalTarget(lookup.account, await lookup.principalOfToken?.(text(args, 'tokenId')), 'tokenId');
const ownerOfAccessKey = async (args: FieldArguments, lookup: TargetLookup): Promise<ResourceTarget> =>
  principalTarget(lookup.account, await lookup.principalOfAccessKey?.(text(args, 'accessKeyId')), 'accessKeyId');

// Job-worker calls are authorized at the action type of the jobs they take (`srn:sluice:{account}:actiontype/…`),
// as CodePipeline scopes PollForJobs: pollForJobs names it; a call naming a job is authorized at that job's type.
// An unknown job (or another account's) is authorized at the account: only account-wide rights learn it is not found.
const actionTypeTarget = (value: unknown, path: string, lookup: TargetLookup): ResourceTarget => {
  const field = (name: string): string => {
    const part = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;
    if (typeof part !== 'string' || part === '') throw new TargetArgumentError(`${path}.${name}`, 'must be a non-empty string');
    return part;
  };
  const actionType = { owner: field('owner'), category: field('category'), provider: field('provider'), version: field('version') };
  const problem = actionTypeIdProblem(actionType);
  if (problem) throw new TargetArgumentError(path, problem);
  return { account: lookup.account, actionType };
};
const actionTypeFrom = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget => actionTypeTarget(args[argument], argument, lookup);
/** Every action type of a list argument: the field is allowed only when each is. */
const actionTypesFrom = (argument: string) => (args: FieldArguments, lookup: TargetLookup): ResourceTarget[] => {
  const list = args[argument];
  if (!Array.isArray(list) || list.length === 0) throw new TargetArgumentError(argument, 'must name at least one action type');
  return list.map((value, index) => actionTypeTarget(value, `${argument}[${index}]`, lookup));
};
const actionTypeOfJob = (argument: string) => async (args: FieldArguments, lookup: TargetLookup): Promise<ResourceTarget> => {
  const actionType = await lookup.actionTypeOfJob?.(text(args, argument));
  return actionType === undefined ? { account: lookup.account } : { account: lookup.account, actionType };
};

/**
 * Every root field of the composed API (queries and mutations of every subgraph, and the gateway's own
 * subscriptions) and how it is authorized. A field missing here is refused at run time (FORBIDDEN, "no
 * authorization rule"), and `operation-actions.unit.spec.ts` fails on the composed SDL first, so a new
 * field cannot bypass authorization.
 */
export const OPERATION_RULES: Readonly<Record<RootOperation, Readonly<Record<string, OperationRule>>>> = {
  query: {
    // pipelines
    getPipeline: { action: 'sluice:GetPipeline', target: pipelineFrom('name') },
    pipelineAsOf: { action: 'sluice:GetPipeline', target: pipelineFrom('name') },
    exportAwsPipeline: { action: 'sluice:GetPipeline', target: pipelineFrom('name') },
    // Authorized at the account: the list is of the account's pipelines (ReadOnly and Admin have it; an
    // approver of one pipeline reads that pipeline by name). Decision 0021.
    listPipelines: { action: 'sluice:ListPipelines', target: account() },
    // Every pipeline the principal may read, and only those (decision 0054).
    pipelineGraph: { action: 'sluice:GetPipeline', readablePipelinesOnly: true },
    listPipelineVersions: { action: 'sluice:ListPipelineVersions', target: pipelineFrom('name') },
    diffPipelineVersions: { action: 'sluice:ListPipelineVersions', target: pipelineFrom('name') },
    listActionTypes: { action: 'sluice:ListActionTypes', target: account() },
    webhooks: { action: 'sluice:ListWebhooks', target: account() },
    listSecrets: { action: 'sluice:ListSecrets', target: account() },
    // notification rules (decision 0044): at the pipeline they watch
    notificationRules: { action: 'sluice:ListNotificationRules', target: pipelineFrom('pipelineName') },
    notificationDeliveries: { action: 'sluice:ListNotificationDeliveries', target: pipelineFrom('pipelineName') },
    getActionType: { action: 'sluice:GetActionType', target: account() },
    // executions
    getPipelineState: { action: 'sluice:GetPipelineState', target: pipelineFrom('name') },
    pipelineStateAsOf: { action: 'sluice:GetPipelineState', target: pipelineFrom('pipelineName') },
    executionAsOf: { action: 'sluice:GetPipelineExecution', target: executionFrom('pipelineExecutionId') },
    getPipelineExecution: { action: 'sluice:GetPipelineExecution', target: pipelineFrom('pipelineName') },
    listPipelineExecutions: { action: 'sluice:ListPipelineExecutions', target: pipelineFrom('pipelineName') },
    listActionExecutions: { action: 'sluice:ListActionExecutions', target: pipelineFrom('pipelineName') },
    listRuleExecutions: { action: 'sluice:ListRuleExecutions', target: pipelineFrom('pipelineName') },
    listRuleTypes: { action: 'sluice:ListRuleTypes', target: account() },
    listEnvironments: { action: 'sluice:ListDeployments', target: pipelineFrom('pipelineName') },
    listDeployments: { action: 'sluice:ListDeployments', target: pipelineFrom('pipelineName') },
    listUnpromoted: { action: 'sluice:ListDeployments', target: pipelineFrom('pipelineName') },
    deliveryMetrics: { action: 'sluice:ListDeployments', target: pipelineFrom('pipelineName') },
    listEnvironmentFreezes: { action: 'sluice:ListEnvironmentFreezes', target: account() },
    getRetentionSettings: { action: 'sluice:GetRetentionSettings', target: account() },
    // The pipeline named, else the one of the execution the action execution id starts with (unknown: the account).
    listDeployActionExecutionTargets: {
      action: 'sluice:ListDeployActionExecutionTargets',
      target: async (args, lookup) => {
        const named = optionalText(args, 'pipelineName');
        if (named !== undefined) return { account: lookup.account, pipeline: named };
        const pipeline = await lookup.pipelineOfExecution(text(args, 'actionExecutionId').split('/')[0]!);
        return pipeline === undefined ? { account: lookup.account } : { account: lookup.account, pipeline };
      },
    },
    getJobDetails: { action: 'sluice:GetJobDetails', target: actionTypeOfJob('jobId') },
    actionLogs: { action: 'sluice:ListActionExecutions', target: executionFrom('pipelineExecutionId') },
    // artifacts
    listArtifacts: { action: 'sluice:ListArtifacts', target: executionFrom('pipelineExecutionId') },
    // Content-addressed, shared by pipelines: read at the account (ReadOnly and Admin).
    artifact: { action: 'sluice:GetArtifact', target: account() },
    artifactDownloadUrl: { action: 'sluice:GetArtifact', target: pipelineFrom('pipelineName') },
    // permissions (authenticate is @inaccessible: the gateway calls it on the subgraph, never a client)
    whoami: { action: 'sluice:GetCallerIdentity', authenticatedOnly: true },
    // The caller's own rights only (the dashboard's buttons): as whoami, a token is enough (decision 0023).
    myPermissions: { action: 'sluice:GetCallerIdentity', authenticatedOnly: true },
    getUser: { action: 'sluice:GetUser', target: account() },
    listUsers: { action: 'sluice:ListUsers', target: account() },
    getRole: { action: 'sluice:GetRole', target: account() },
    listRoles: { action: 'sluice:ListRoles', target: account() },
    getGroup: { action: 'sluice:GetGroup', target: account() },
    listTokens: { action: 'sluice:ListTokens', target: principalOrAccount('principalId') },
    listAccessKeys: { action: 'sluice:ListAccessKeys', target: principalOrAccount('principalId') },
    simulatePrincipalPolicy: { action: 'sluice:SimulatePrincipalPolicy', target: account() },
    lookupAuditEvents: { action: 'sluice:LookupAuditEvents', target: account() },
    verifyAuditTrail: { action: 'sluice:VerifyAuditTrail', target: accountFrom('account') },
  },
  mutation: {
    // pipelines
    createPipeline: {
      action: 'sluice:CreatePipeline',
      target: (args, lookup) => ({ account: lookup.account, pipeline: definitionName(args, 'pipeline', ['name']) }),
      alsoRequires: savingRequires('pipeline', 'sluice'),
    },
    updatePipeline: {
      action: 'sluice:UpdatePipeline',
      target: (args, lookup) => ({ account: lookup.account, pipeline: definitionName(args, 'pipeline', ['name']) }),
      alsoRequires: savingRequires('pipeline', 'sluice'),
    },
    deletePipeline: { action: 'sluice:DeletePipeline', target: pipelineFrom('name') },
    disableStageTransition: { action: 'sluice:DisableStageTransition', target: stageFrom('pipelineName', 'stageName') },
    enableStageTransition: { action: 'sluice:EnableStageTransition', target: stageFrom('pipelineName', 'stageName') },
    createCustomActionType: { action: 'sluice:CreateCustomActionType', target: account() },
    deleteCustomActionType: { action: 'sluice:DeleteCustomActionType', target: account() },
    updateActionType: { action: 'sluice:UpdateActionType', target: account() },
    tagResource: { action: 'sluice:TagResource', target: pipelineArn },
    untagResource: { action: 'sluice:UntagResource', target: pipelineArn },
    // webhooks, each at srn:sluice:{account}:webhook/{name} (decision 0039)
    putWebhook: { action: 'sluice:PutWebhook', target: webhookFrom('webhook', ['name']) },
    deleteWebhook: { action: 'sluice:DeleteWebhook', target: webhookFrom('name') },
    registerWebhookWithThirdParty: { action: 'sluice:RegisterWebhookWithThirdParty', target: webhookFrom('name') },
    deregisterWebhookWithThirdParty: { action: 'sluice:DeregisterWebhookWithThirdParty', target: webhookFrom('name') },
    // secrets, each at srn:sluice:{account}:secret/{name} (decision 0043)
    createSecret: { action: 'sluice:ManageSecrets', target: secretFrom('name') },
    putSecretValue: { action: 'sluice:ManageSecrets', target: secretFrom('name') },
    deleteSecret: { action: 'sluice:ManageSecrets', target: secretFrom('name') },
    createNotificationRule: { action: 'sluice:CreateNotificationRule', target: (args, lookup) => ({ account: lookup.account, pipeline: definitionName(args, 'rule', ['pipelineName']) }) },
    updateNotificationRule: { action: 'sluice:UpdateNotificationRule', target: pipelineFrom('pipelineName') },
    tagNotificationRule: { action: 'sluice:TagNotificationRule', target: pipelineFrom('pipelineName') },
    untagNotificationRule: { action: 'sluice:UntagNotificationRule', target: pipelineFrom('pipelineName') },
    deleteNotificationRule: { action: 'sluice:DeleteNotificationRule', target: pipelineFrom('pipelineName') },
    // `input` is what `aws codepipeline get-pipeline` prints: { pipeline: { name, … }, metadata }.
    importAwsPipeline: {
      action: 'sluice:ImportAwsPipeline',
      target: (args, lookup) => ({ account: lookup.account, pipeline: definitionName(args, 'input', ['pipeline', 'name']) }),
      alsoRequires: savingRequires('input', 'aws'),
    },
    // executions
    startPipelineExecution: { action: 'sluice:StartPipelineExecution', target: pipelineFrom('name') },
    stopPipelineExecution: { action: 'sluice:StopPipelineExecution', target: pipelineFrom('pipelineName') },
    retryStageExecution: { action: 'sluice:RetryStageExecution', target: stageFrom('pipelineName', 'stageName') },
    // Re-running a past execution's stage is a retry of that stage, as Operators may (decision 0021).
    rerunStage: { action: 'sluice:RetryStageExecution', target: stageFrom('pipelineName', 'stageName') },
    rollbackStage: { action: 'sluice:RollbackStage', target: stageFrom('pipelineName', 'stageName') },
    overrideStageCondition: { action: 'sluice:OverrideStageCondition', target: stageFrom('pipelineName', 'stageName') },
    scheduleEnvironmentFreeze: { action: 'sluice:ScheduleEnvironmentFreeze', target: account() },
    liftEnvironmentFreeze: { action: 'sluice:LiftEnvironmentFreeze', target: account() },
    putRetentionSettings: { action: 'sluice:PutRetentionSettings', target: account() },
    runRetentionSweep: { action: 'sluice:RunRetentionSweep', target: account() },
    putActionRevision: {
      action: 'sluice:PutActionRevision',
      target: (args, lookup) => ({ account: lookup.account, pipeline: text(args, 'pipelineName'), stage: text(args, 'stageName'), action: text(args, 'actionName') }),
    },
    putApprovalResult: {
      action: 'sluice:PutApprovalResult',
      target: (args, lookup) => ({ account: lookup.account, pipeline: text(args, 'pipelineName'), stage: text(args, 'stageName'), action: text(args, 'actionName') }),
    },
    // job workers act on the jobs of one action type
    pollForJobs: { action: 'sluice:PollForJobs', target: actionTypeFrom('actionTypeId') },
    pollForAnyJobs: { action: 'sluice:PollForJobs', targets: actionTypesFrom('actionTypeIds') },
    acknowledgeJob: { action: 'sluice:AcknowledgeJob', target: actionTypeOfJob('jobId') },
    // A heartbeat keeps the claim acknowledgeJob took; a release gives it back.
    heartbeat: { action: 'sluice:AcknowledgeJob', target: actionTypeOfJob('jobId') },
    releaseJob: { action: 'sluice:AcknowledgeJob', target: actionTypeOfJob('jobId') },
    putJobSuccessResult: { action: 'sluice:PutJobSuccessResult', target: actionTypeOfJob('jobId') },
    putJobFailureResult: { action: 'sluice:PutJobFailureResult', target: actionTypeOfJob('jobId') },
    // The holder of a job logs under the claim it acknowledged, as it heartbeats.
    appendJobLogs: { action: 'sluice:AcknowledgeJob', target: actionTypeOfJob('jobId') },
    // artifacts: retention of the account's store
    collectArtifacts: { action: 'sluice:CollectArtifacts', target: account() },
    // permissions. A new tenant is created by a principal allowed CreateAccount in its own account (the
    // embedded admin); attaching and detaching are PutPolicy and DeletePolicy.
    createAccount: { action: 'sluice:CreateAccount', target: account() },
    createUser: { action: 'sluice:CreateUser', target: account() },
    createGroup: { action: 'sluice:CreateGroup', target: account() },
    addUserToGroup: { action: 'sluice:AddUserToGroup', target: account() },
    createRole: { action: 'sluice:CreateRole', target: account() },
    attachPolicy: { action: 'sluice:PutPolicy', target: account() },
    detachPolicy: { action: 'sluice:DeletePolicy', target: account() },
    createToken: { action: 'sluice:CreateToken', target: principalFrom('principalId') },
    revokeToken: { action: 'sluice:RevokeToken', target: ownerOfToken },
    // SigV4 access keys (decision 0024), IAM's names.
    createAccessKey: { action: 'sluice:CreateAccessKey', target: principalOrCaller('principalId') },
    deleteAccessKey: { action: 'sluice:DeleteAccessKey', target: ownerOfAccessKey },
    // At the role's account (decision 0011), by the caller's own policies; the trust policy is checked by the service.
    assumeRole: { action: 'sluice:AssumeRole', target: roleAccount, ownPoliciesOnly: true },
  },
  subscription: {
    // Each event is authorized again on its pipeline (subscription-schema.ts); without a pipeline name or an
    // execution id the per-event check alone decides what is delivered.
    executionUpdated: {
      action: 'sluice:GetPipelineExecution',
      perEventFilter: true,
      target: async (args, lookup) => {
        const pipeline = optionalText(args, 'pipelineName');
        if (pipeline !== undefined) return { account: lookup.account, pipeline };
        return optionalText(args, 'executionId') !== undefined ? executionFrom('executionId')(args, lookup) : { account: lookup.account };
      },
    },
    pipelineStateChanged: { action: 'sluice:GetPipelineState', perEventFilter: true, target: pipelineFrom('pipelineName') },
    auditRecorded: { action: 'sluice:LookupAuditEvents', target: account() },
    actionLogAppended: { action: 'sluice:ListActionExecutions', target: executionFrom('executionId') },
  },
};

/** The rule of a root field, or undefined when it has none (and is therefore refused). */
export function operationRuleOf(operation: RootOperation, field: string): OperationRule | undefined {
  return Object.prototype.hasOwnProperty.call(OPERATION_RULES[operation], field) ? OPERATION_RULES[operation][field] : undefined;
}

/**
 * The resource a call is authorized at: the target cut to the action's level, or the account itself when the
 * target names no pipeline (an execution id that names no execution of the account: only a principal with
 * account-wide rights then learns it is not found; others are refused without learning whether it exists).
 */
export function resourceOfTarget(action: string, target: ResourceTarget): string {
  return target.pipeline === undefined && target.principal === undefined && target.actionType === undefined && target.webhook === undefined && target.secret === undefined ? accountResourceName(target.account) : resourceForAction(action, target);
}
