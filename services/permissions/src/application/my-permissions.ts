import { authorize, findAction, parseRequestResource, SLUICE_ACTION_NAMES, type Principal, type RequestContext } from '@sluice/authz';
import { AccessDeniedError, childPath, closestMatch, indexPath, IssueCollector, quote, ROOT_PATH, ValidationError } from '@sluice/domain';
import type { Caller } from './caller';

/** At most this many (action, resource) pairs per `myPermissions` call: a page's buttons, not an enumeration. */
export const MAX_PERMISSION_CHECKS = 200;

export interface PermissionCheck {
  action: string;
  resource: string;
}

export interface PermissionAnswer extends PermissionCheck {
  allowed: boolean;
}

/**
 * Which of the pairs the caller itself may do, by the one authorization path (`authorize`, as the gateway
 * asks it) with the caller's own principal: it reveals only the caller's rights, so it needs no permission
 * beyond a valid token (unlike simulatePrincipalPolicy, which may look at anybody). Each resource must be of
 * the level its action is authorized at, as the gateway would ask it; bad pairs are a ValidationError naming
 * `$.checks[i].action` / `$.checks[i].resource`.
 */
export function myPermissions(caller: Caller, principal: Principal | undefined, checks: readonly PermissionCheck[], currentTime: Date): PermissionAnswer[] {
  checkInput(checks);
  if (!principal) throw new AccessDeniedError(caller.actor, 'myPermissions needs an authenticated principal (a token through the gateway).');
  const context: RequestContext = {
    currentTime,
    ...(caller.sourceIp ? { sourceIp: caller.sourceIp } : {}),
    ...(caller.userAgent ? { userAgent: caller.userAgent } : {}),
  };
  return checks.map(({ action, resource }) => ({ action, resource, allowed: authorize({ principal, action, resource, context }).allowed }));
}

function checkInput(checks: readonly PermissionCheck[]): void {
  const issues = new IssueCollector();
  const path = childPath(ROOT_PATH, 'checks');
  if (checks.length === 0) issues.add(path, 'too_few_items', 'Name at least one (action, resource) pair.');
  if (checks.length > MAX_PERMISSION_CHECKS) issues.add(path, 'too_many_items', `At most ${MAX_PERMISSION_CHECKS} (action, resource) pairs per call; got ${checks.length}.`);
  else
    checks.forEach((check, index) => {
      const at = indexPath(path, index);
      const definition = findAction(check.action);
      if (!definition) {
        const suggestion = closestMatch(check.action, SLUICE_ACTION_NAMES);
        issues.add(childPath(at, 'action'), 'unknown_action', `${quote(check.action)} is not a Sluice action.` + (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''));
      }
      const target = parseRequestResource(check.resource);
      if (!target.ok) issues.add(childPath(at, 'resource'), 'invalid_resource', target.problem);
      else if (definition && target.level !== definition.level) {
        issues.add(childPath(at, 'resource'), 'wrong_level', `${definition.name} is authorized at ${definition.level} level, but ${quote(check.resource)} names a ${target.level}.`);
      }
    });
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The permission checks are not valid');
}
