import { childPath, closestMatch, indexPath, IssueCollector, quote, ROOT_PATH, ValidationError } from '@sluice/domain';
import { findAction, SLUICE_ACTION_NAMES } from '../actions/action-catalogue';
import { parseRequestResource } from '../actions/request-resource';
import { authorize } from './authorize';
import type { Decision } from './decision';
import type { Principal, RequestContext } from './principal';

export interface SimulationResult {
  action: string;
  resource: string;
  /** False when the resource is not of the level the action is authorized at (GetPipeline on a stage). */
  resourceMatchesActionLevel: boolean;
  decision: Decision;
}

/**
 * IAM's SimulatePrincipalPolicy: every action against every resource, each with the statement that
 * decided it or the reason for an implicit deny. The lists are user input, so bad entries are a
 * ValidationError with paths (`$.actions[2]`), not a RangeError.
 */
export function simulatePrincipalPolicy(principal: Principal, actions: readonly string[], resources: readonly string[], context: RequestContext): SimulationResult[] {
  checkInput(actions, resources);
  const results: SimulationResult[] = [];
  for (const actionName of actions) {
    const definition = findAction(actionName);
    for (const resource of resources) {
      const target = parseRequestResource(resource);
      results.push({
        action: definition?.name ?? actionName,
        resource,
        resourceMatchesActionLevel: target.ok && target.level === definition?.level,
        decision: authorize({ principal, action: actionName, resource, context }),
      });
    }
  }
  return results;
}

function checkInput(actions: readonly string[], resources: readonly string[]): void {
  const issues = new IssueCollector();
  const actionsPath = childPath(ROOT_PATH, 'actions');
  const resourcesPath = childPath(ROOT_PATH, 'resources');
  if (actions.length === 0) issues.add(actionsPath, 'too_few_items', 'Name at least one action to simulate.');
  if (resources.length === 0) issues.add(resourcesPath, 'too_few_items', 'Name at least one resource to simulate.');
  actions.forEach((action, index) => {
    if (findAction(action)) return;
    const suggestion = closestMatch(action, SLUICE_ACTION_NAMES);
    issues.add(indexPath(actionsPath, index), 'unknown_action', `${quote(action)} is not a Sluice action.` + (suggestion ? ` Did you mean ${quote(suggestion)}?` : ''));
  });
  resources.forEach((resource, index) => {
    const parsed = parseRequestResource(resource);
    if (!parsed.ok) issues.add(indexPath(resourcesPath, index), 'invalid_resource', parsed.problem);
  });
  if (issues.count > 0) throw new ValidationError(issues.issues, 'The simulation request is not valid');
}
