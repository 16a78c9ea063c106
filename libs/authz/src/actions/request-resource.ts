import { accountIdProblem, describeCharacter, formatResourceName, parseResourceName, quote, RESOURCE_NAME_PREFIX } from '@sluice/domain';
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
  }
}

export type ParsedRequestResource = { ok: true; account: string; level: ResourceLevel } | { ok: false; problem: string };

/**
 * Reads a concrete (wildcard-free) resource of a request: the account resource, a principal, or a
 * pipeline/stage/action name. `srn:sluice:{account}:principal/{id}` reads as a principal, also when a
 * pipeline is named "principal" (its stages' names are then spelt the same: policies tell them apart by action).
 */
export function parseRequestResource(text: string): ParsedRequestResource {
  if (text.startsWith(RESOURCE_NAME_PREFIX) && text.endsWith(':') && text.indexOf(':', RESOURCE_NAME_PREFIX.length) === text.length - 1) {
    const account = text.slice(RESOURCE_NAME_PREFIX.length, -1);
    const problem = accountIdProblem(account);
    return problem ? { ok: false, problem } : { ok: true, account, level: 'account' };
  }
  const principal = parsePrincipalResource(text);
  if (principal) {
    const problem = accountIdProblem(principal.account) ?? principalIdProblem(principal.id);
    return problem ? { ok: false, problem } : { ok: true, account: principal.account, level: 'principal' };
  }
  const parsed = parseResourceName(text);
  if (!parsed.ok) return parsed;
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
