// What the signed-in principal may do, so the dashboard draws only the buttons that would work (decision 0023).
// The gateway decides every request anyway; this only hides the ones it would refuse.
import type { PipelineDefinition } from './api';
import { request } from './graphql';
import { sessionGeneration } from './session';

export interface PermissionCheck {
  action: string;
  resource: string;
}

/** The permissions subgraph answers at most this many pairs per call. */
const CHECKS_PER_CALL = 200;

/**
 * A resource name as `resourceForAction` of @sluice/authz builds it (the dashboard cannot import it):
 * `srn:sluice:{account}:{pipeline}[/{stage}[/{action}]]`.
 */
export function resourceName(account: string, pipeline: string, stage?: string, action?: string): string {
  return `srn:sluice:${account}:${[pipeline, stage, action].filter((part) => part !== undefined).join('/')}`;
}

// The account of the signed-in principal, asked once per sign-in.
let accountCache: { generation: number; account: Promise<string> } | undefined;
export function signedInAccount(): Promise<string> {
  const generation = sessionGeneration();
  if (accountCache?.generation !== generation) {
    const account = request<{ whoami: { account: string } }>('query Account { whoami { account } }').then((data) => data.whoami.account);
    accountCache = { generation, account };
    account.catch(() => (accountCache = undefined));
  }
  return accountCache!.account;
}

/** `myPermissions` for the pairs, in calls of at most 200: the allowed ones, as `action resource` keys. */
export async function allowedOf(checks: PermissionCheck[]): Promise<Set<string>> {
  const allowed = new Set<string>();
  for (let start = 0; start < checks.length; start += CHECKS_PER_CALL) {
    const data = await request<{ myPermissions: Array<PermissionCheck & { allowed: boolean }> }>(
      'query Rights($checks: [PermissionCheckInput!]!) { myPermissions(checks: $checks) { action resource allowed } }',
      { checks: checks.slice(start, start + CHECKS_PER_CALL) },
    );
    for (const answer of data.myPermissions) if (answer.allowed) allowed.add(`${answer.action} ${answer.resource}`);
  }
  return allowed;
}

/** The pipeline view's mutations the principal may run. */
export interface PipelineRights {
  release: boolean;
  stop: boolean;
  retry(stage: string): boolean;
  rollback(stage: string): boolean;
  disableTransition(stage: string): boolean;
  enableTransition(stage: string): boolean;
  approve(stage: string, action: string): boolean;
  /** False when none of the above is allowed anywhere in the pipeline: the view says it is read-only. */
  any: boolean;
}

/** Until the answer comes: nothing (a button that appears is better than one that fails). */
export const NO_RIGHTS: PipelineRights = {
  release: false,
  stop: false,
  retry: () => false,
  rollback: () => false,
  disableTransition: () => false,
  enableTransition: () => false,
  approve: () => false,
  any: false,
};

/** The pairs the pipeline view needs: release/stop at the pipeline, retry and transitions at each stage, approvals at each approval action. */
export function pipelineChecks(account: string, definition: PipelineDefinition): PermissionCheck[] {
  const pipeline = resourceName(account, definition.name);
  const checks: PermissionCheck[] = [
    { action: 'sluice:StartPipelineExecution', resource: pipeline },
    { action: 'sluice:StopPipelineExecution', resource: pipeline },
  ];
  definition.stages.forEach((stage, index) => {
    const resource = resourceName(account, definition.name, stage.name);
    checks.push({ action: 'sluice:RetryStageExecution', resource }, { action: 'sluice:RollbackStage', resource });
    // The first stage has no inbound transition to disable.
    if (index > 0) checks.push({ action: 'sluice:DisableStageTransition', resource }, { action: 'sluice:EnableStageTransition', resource });
    for (const action of stage.actions) {
      if (action.actionTypeId.category === 'Approval') checks.push({ action: 'sluice:PutApprovalResult', resource: resourceName(account, definition.name, stage.name, action.name) });
    }
  });
  return checks;
}

export async function loadPipelineRights(definition: PipelineDefinition): Promise<PipelineRights> {
  const account = await signedInAccount();
  const allowed = await allowedOf(pipelineChecks(account, definition));
  const can = (action: string, stage?: string, actionName?: string) => allowed.has(`sluice:${action} ${resourceName(account, definition.name, stage, actionName)}`);
  return {
    release: can('StartPipelineExecution'),
    stop: can('StopPipelineExecution'),
    retry: (stage) => can('RetryStageExecution', stage),
    rollback: (stage) => can('RollbackStage', stage),
    disableTransition: (stage) => can('DisableStageTransition', stage),
    enableTransition: (stage) => can('EnableStageTransition', stage),
    approve: (stage, action) => can('PutApprovalResult', stage, action),
    any: allowed.size > 0,
  };
}

/** Whether the principal may read the account's audit trail (`sluice:LookupAuditEvents` on `srn:sluice:{account}:`). */
export async function mayLookupAuditEvents(): Promise<boolean> {
  const account = await signedInAccount();
  const resource = `srn:sluice:${account}:`;
  return (await allowedOf([{ action: 'sluice:LookupAuditEvents', resource }])).has(`sluice:LookupAuditEvents ${resource}`);
}

/** Whether the principal may edit the pipeline's notification rules: update them, and set or remove their tags. */
export async function mayEditNotificationRules(pipelineName: string): Promise<{ update: boolean; tag: boolean; untag: boolean }> {
  const resource = resourceName(await signedInAccount(), pipelineName);
  const allowed = await allowedOf(['UpdateNotificationRule', 'TagNotificationRule', 'UntagNotificationRule'].map((action) => ({ action: `sluice:${action}`, resource })));
  const can = (action: string) => allowed.has(`sluice:${action} ${resource}`);
  return { update: can('UpdateNotificationRule'), tag: can('TagNotificationRule'), untag: can('UntagNotificationRule') };
}

/** Whether the principal may schedule and lift the account's environment freezes (account-level actions, decision 0051). */
export async function mayManageFreezes(): Promise<{ schedule: boolean; lift: boolean }> {
  const resource = `srn:sluice:${await signedInAccount()}:`;
  const allowed = await allowedOf(['sluice:ScheduleEnvironmentFreeze', 'sluice:LiftEnvironmentFreeze'].map((action) => ({ action, resource })));
  return { schedule: allowed.has(`sluice:ScheduleEnvironmentFreeze ${resource}`), lift: allowed.has(`sluice:LiftEnvironmentFreeze ${resource}`) };
}

/**
 * Whether the principal may import a pipeline from AWS and create it (`sluice:ImportAwsPipeline` and
 * `sluice:CreatePipeline` at the pipeline). Before a name is known the page asks for a name no pipeline has:
 * a policy limited to some names may still allow the one pasted, which the import page asks again.
 */
export async function mayImportPipeline(pipelineName = 'new-pipeline'): Promise<boolean> {
  const resource = resourceName(await signedInAccount(), pipelineName);
  const allowed = await allowedOf(['sluice:ImportAwsPipeline', 'sluice:CreatePipeline'].map((action) => ({ action, resource })));
  return allowed.size === 2;
}

/**
 * Asks `may` and hands its answer to `answer` (false when the question fails), for an `$effect` to return: the
 * function it returns drops an answer that comes after the effect was re-run or its view left.
 */
export function answerWhenAllowed(may: () => Promise<boolean>, answer: (allowed: boolean) => void): () => void {
  let current = true;
  may().then(
    (allowed) => current && answer(allowed),
    () => current && answer(false),
  );
  return () => {
    current = false;
  };
}
