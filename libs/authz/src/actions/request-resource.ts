import { accountIdProblem, formatResourceName, parseResourceName, quote, RESOURCE_NAME_PREFIX } from '@sluice/domain';
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
  }
}

export type ParsedRequestResource = { ok: true; account: string; level: ResourceLevel } | { ok: false; problem: string };

/** Reads a concrete (wildcard-free) resource of a request: the account resource or a pipeline/stage/action name. */
export function parseRequestResource(text: string): ParsedRequestResource {
  if (text.startsWith(RESOURCE_NAME_PREFIX) && text.endsWith(':') && text.indexOf(':', RESOURCE_NAME_PREFIX.length) === text.length - 1) {
    const account = text.slice(RESOURCE_NAME_PREFIX.length, -1);
    const problem = accountIdProblem(account);
    return problem ? { ok: false, problem } : { ok: true, account, level: 'account' };
  }
  const parsed = parseResourceName(text);
  if (!parsed.ok) return parsed;
  const { name } = parsed;
  const level: ResourceLevel = name.action !== undefined ? 'action' : name.stage !== undefined ? 'stage' : 'pipeline';
  return { ok: true, account: name.account, level };
}
