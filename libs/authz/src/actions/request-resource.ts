import { accountIdProblem, secretNameProblem, type ActionTypeIdLike, describeCharacter, formatResourceName, parseResourceName, quote, RESOURCE_NAME_PREFIX } from '@sluice/domain';
import type { ResourceLevel } from './action-catalogue';
import { findAction } from './action-catalogue';

/**
 * The account itself, resource of account-level actions (ListPipelines, CreateUser, …): the
 * account's prefix with an empty path, so `srn:sluice:acme:*` and `*` cover it and no pipeline
 * name (never empty) can collide with it.
 */
export function accountResourceName(account: string): string {
  const problem = accountIdProblem(account);
  if (problem) throw new RangeError(problem);
  return `${RESOURCE_NAME_PREFIX}${account}:`;
}

/** What a request acts on, from the account down to the part the action's level needs. */
export interface ResourceTarget {
  account: string;
  pipeline?: string;
  stage?: string;
  action?: string;
  /** The user or role a credential action (CreateToken, DeleteAccessKey, …) is for. */
  principal?: string;
  /** The action type a job-worker action (PollForJobs, PutJobSuccessResult, …) serves. */
  actionType?: ActionTypeIdLike;
  /** The webhook a webhook action (PutWebhook, DeleteWebhook, …) acts on, by name. */
  webhook?: string;
  /** The secret a secret action (ManageSecrets, UseSecret, …) acts on, by name. */
  secret?: string;
}

/** Where the secret resources of an account start: `srn:sluice:{account}:secret/` (decision 0043). */
export const SECRET_RESOURCE_PART = 'secret/';

/** A secret as the resource of secret actions: `srn:sluice:{account}:secret/{name}`. */
export function secretResourceName(account: string, name: string): string {
  const problem = accountIdProblem(account) ?? secretNameProblem(name);
  if (problem) throw new RangeError(problem);
  return `${RESOURCE_NAME_PREFIX}${account}:${SECRET_RESOURCE_PART}${name}`;
}

/** Where the webhook resources of an account start: `srn:sluice:{account}:webhook/` (decision 0039). */
export const WEBHOOK_RESOURCE_PART = 'webhook/';
const WEBHOOK_NAME = /^[A-Za-z0-9.@_-]{1,100}$/u;

/** Why `name` cannot be a webhook's name (CodePipeline's rule), or undefined. */
export function webhookNameProblem(name: string): string | undefined {
  return WEBHOOK_NAME.test(name) ? undefined : `The webhook name ${quote(name)} must have 1 to 100 letters, digits, ".", "@", "_" or "-".`;
}

/** A webhook as the resource of webhook actions: `srn:sluice:{account}:webhook/{name}`. */
export function webhookResourceName(account: string, name: string): string {
  const problem = accountIdProblem(account) ?? webhookNameProblem(name);
  if (problem) throw new RangeError(problem);
  return `${RESOURCE_NAME_PREFIX}${account}:${WEBHOOK_RESOURCE_PART}${name}`;
}

/** Where the principal resources of an account start: `srn:sluice:{account}:principal/`. */
export const PRINCIPAL_RESOURCE_PART = 'principal/';
const PRINCIPAL_ID_CHARACTER = /^[A-Za-z0-9+=,.@_-]$/u;
const PRINCIPAL_ID_MAX_LENGTH = 128;

/** Why `id` cannot be a principal id (IAM's user and role names), or undefined. */
export function principalIdProblem(id: string): string | undefined {
  const characters = [...id];
  if (characters.length === 0 || characters.length > PRINCIPAL_ID_MAX_LENGTH) return `The principal id ${quote(id)} must have 1 to ${PRINCIPAL_ID_MAX_LENGTH} characters.`;
  const bad = characters.find((character) => !PRINCIPAL_ID_CHARACTER.test(character));
  return bad === undefined ? undefined : `The principal id ${quote(id)} contains ${describeCharacter(bad)}; ids use letters, digits and + = , . @ _ -.`;
}

/** A user or role as the resource of credential actions: `srn:sluice:{account}:principal/{id}` (the Principal of trust policies). */
export function principalResourceName(account: string, id: string): string {
  const problem = accountIdProblem(account) ?? principalIdProblem(id);
  if (problem) throw new RangeError(problem);
  return `${RESOURCE_NAME_PREFIX}${account}:${PRINCIPAL_RESOURCE_PART}${id}`;
}

/**
 * Where the action-type resources of an account start: `srn:sluice:{account}:actiontype/`, followed by
 * `{Owner}/{Category}/{Provider}/{Version}` in the order of CodePipeline's `actiontype:` ARNs, so
 * `actiontype/Custom/*` is every custom type and `actiontype/Sluice/*` every built-in one.
 */
export const ACTION_TYPE_RESOURCE_PART = 'actiontype/';
const ACTION_TYPE_PART = /^[A-Za-z0-9_-]{1,35}$/u;

/** Why the four parts cannot name an action type in a resource, or undefined. */
export function actionTypeIdProblem(id: ActionTypeIdLike): string | undefined {
  for (const [part, value] of [['owner', id.owner], ['category', id.category], ['provider', id.provider], ['version', id.version]] as const) {
    if (!ACTION_TYPE_PART.test(value)) return `The action type's ${part} ${quote(value)} must have 1 to 35 letters, digits, "_" or "-".`;
  }
  return undefined;
}

/** An action type as the resource of job-worker actions: `srn:sluice:{account}:actiontype/{Owner}/{Category}/{Provider}/{Version}`. */
export function actionTypeResourceName(account: string, id: ActionTypeIdLike): string {
  const problem = accountIdProblem(account) ?? actionTypeIdProblem(id);
  if (problem) throw new RangeError(problem);
  return `${RESOURCE_NAME_PREFIX}${account}:${ACTION_TYPE_RESOURCE_PART}${id.owner}/${id.category}/${id.provider}/${id.version}`;
}

/**
 * `{ account, id }` of `srn:sluice:{account}:actiontype/{Owner}/{Category}/{Provider}/{Version}` (parts not
 * checked; `id` undefined when there are not four), or undefined for any other shape.
 */
export function parseActionTypeResource(text: string): { account: string; id: ActionTypeIdLike | undefined } | undefined {
  if (!text.startsWith(RESOURCE_NAME_PREFIX)) return undefined;
  const rest = text.slice(RESOURCE_NAME_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0 || !rest.startsWith(ACTION_TYPE_RESOURCE_PART, colon + 1)) return undefined;
  const parts = rest.slice(colon + 1 + ACTION_TYPE_RESOURCE_PART.length).split('/');
  const [owner, category, provider, version] = parts;
  const id = parts.length === 4 ? { owner: owner!, category: category!, provider: provider!, version: version! } : undefined;
  return { account: rest.slice(0, colon), id };
}

/**
 * The resource a request for `actionName` is authorized at: the target cut to the action's level
 * (GetPipeline on a stage target asks about the pipeline). Throws when the target lacks a part the level needs.
 */
export function resourceForAction(actionName: string, target: ResourceTarget): string {
  const definition = findAction(actionName);
  if (!definition) throw new RangeError(`${quote(actionName)} is not a Sluice action.`);
  return resourceAtLevel(definition.level, target);
}

export function resourceAtLevel(level: ResourceLevel, target: ResourceTarget): string {
  const missing = (part: string): never => {
    throw new RangeError(`A ${level}-level resource needs the ${part} name.`);
  };
  switch (level) {
    case 'account':
      return accountResourceName(target.account);
    case 'pipeline':
      return formatResourceName({ account: target.account, pipeline: target.pipeline ?? missing('pipeline') });
    case 'stage':
      return formatResourceName({ account: target.account, pipeline: target.pipeline ?? missing('pipeline'), stage: target.stage ?? missing('stage') });
    case 'action':
      return formatResourceName({
        account: target.account,
        pipeline: target.pipeline ?? missing('pipeline'),
        stage: target.stage ?? missing('stage'),
        action: target.action ?? missing('action'),
      });
    case 'principal':
      return principalResourceName(target.account, target.principal ?? missing('principal'));
    case 'actiontype':
      return actionTypeResourceName(target.account, target.actionType ?? missing('action type'));
    case 'webhook':
      return webhookResourceName(target.account, target.webhook ?? missing('webhook'));
    case 'secret':
      return secretResourceName(target.account, target.secret ?? missing('secret'));
  }
}

export type ParsedRequestResource = { ok: true; account: string; level: ResourceLevel } | { ok: false; problem: string };

/**
 * Reads a concrete (wildcard-free) resource of a request: the account resource, a principal, an action type, or a
 * pipeline/stage/action name. `srn:sluice:{account}:principal/{id}` reads as a principal, also when a
 * pipeline is named "principal" (its stages' names are then spelt the same: policies tell them apart by action).
 */
export function parseRequestResource(text: string): ParsedRequestResource {
  if (text.startsWith(RESOURCE_NAME_PREFIX) && text.endsWith(':') && text.indexOf(':', RESOURCE_NAME_PREFIX.length) === text.length - 1) {
    const account = text.slice(RESOURCE_NAME_PREFIX.length, -1);
    const problem = accountIdProblem(account);
    return problem ? { ok: false, problem } : { ok: true, account, level: 'account' };
  }
  // `principal/…` and `actiontype/…` read as such when they name one; otherwise they are a pipeline of that name and
  // its stages (`srn:sluice:acme:actiontype/Deploy/Approve` is the Approve action of the pipeline "actiontype").
  let special: ParsedRequestResource | undefined;
  const principal = parsePrincipalResource(text);
  if (principal) {
    const problem = accountIdProblem(principal.account) ?? principalIdProblem(principal.id);
    special = problem ? { ok: false, problem } : { ok: true, account: principal.account, level: 'principal' };
  }
  const actionType = parseActionTypeResource(text);
  if (actionType) {
    const problem =
      accountIdProblem(actionType.account) ??
      (actionType.id ? actionTypeIdProblem(actionType.id) : `${quote(text)} must name {Owner}/{Category}/{Provider}/{Version} after "actiontype/".`);
    special = problem ? { ok: false, problem } : { ok: true, account: actionType.account, level: 'actiontype' };
  }
  const webhook = /^srn:sluice:([^:]*):webhook\/([^/:]*)$/u.exec(text);
  if (webhook) {
    const problem = accountIdProblem(webhook[1]!) ?? webhookNameProblem(webhook[2]!);
    special = problem ? { ok: false, problem } : { ok: true, account: webhook[1]!, level: 'webhook' };
  }
  const secret = /^srn:sluice:([^:]*):secret\/([^/:]*)$/u.exec(text);
  if (secret) {
    const problem = accountIdProblem(secret[1]!) ?? secretNameProblem(secret[2]!);
    special = problem ? { ok: false, problem } : { ok: true, account: secret[1]!, level: 'secret' };
  }
  if (special?.ok) return special;
  const parsed = parseResourceName(text);
  if (!parsed.ok) return special ?? parsed;
  const { name } = parsed;
  const level: ResourceLevel = name.action !== undefined ? 'action' : name.stage !== undefined ? 'stage' : 'pipeline';
  return { ok: true, account: name.account, level };
}

/** `{ account, id }` of `srn:sluice:{account}:principal/{id}` (not checked), or undefined for any other shape. */
export function parsePrincipalResource(text: string): { account: string; id: string } | undefined {
  if (!text.startsWith(RESOURCE_NAME_PREFIX)) return undefined;
  const rest = text.slice(RESOURCE_NAME_PREFIX.length);
  const colon = rest.indexOf(':');
  if (colon < 0 || !rest.startsWith(PRINCIPAL_RESOURCE_PART, colon + 1)) return undefined;
  const id = rest.slice(colon + 1 + PRINCIPAL_RESOURCE_PART.length);
  return { account: rest.slice(0, colon), id };
}
