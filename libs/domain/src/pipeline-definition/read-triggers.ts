import { closestMatch } from '../validation/closest-match';
import { quote } from '../validation/describe-value';
import type { IssueCollector } from '../validation/issue-collector';
import { childPath, indexPath } from '../validation/json-path';
import { checkFields, readArray, readObject, readOneOf, readString, readValidString } from '../validation/json-shape';
import { GIT_PULL_REQUEST_EVENTS, PIPELINE_TRIGGER_PROVIDER_TYPES } from './pipeline-declaration';
import type { StageFacts } from './pipeline-facts';
import { ACTION_NAME_RULE, PIPELINE_LIMITS } from './pipeline-limits';

/** Reads `triggers` and checks each names a Source action of the first stage, at most one trigger per action. */
export function readTriggers(value: unknown, path: string, stages: readonly StageFacts[], issues: IssueCollector): void {
  const items = readArray(value, 'The triggers', path, issues, { max: PIPELINE_LIMITS.maxTriggers, itemNoun: 'trigger' }) ?? [];
  const sourceActions = (stages[0]?.actions ?? []).filter((action) => action.category === 'Source' && action.name !== undefined);
  const sourceNames = sourceActions.map((action) => action.name ?? '');
  const triggered = new Set<string>();
  items.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    const trigger = readObject(item, 'A trigger', itemPath, issues);
    if (!trigger) return;
    checkFields(trigger, { required: ['providerType', 'gitConfiguration'], optional: [] }, 'A trigger', itemPath, issues);
    if (trigger.providerType !== undefined) {
      readOneOf(trigger.providerType, PIPELINE_TRIGGER_PROVIDER_TYPES, 'The providerType', childPath(itemPath, 'providerType'), issues);
    }
    if (trigger.gitConfiguration === undefined) return;
    const gitPath = childPath(itemPath, 'gitConfiguration');
    const git = readObject(trigger.gitConfiguration, 'The gitConfiguration', gitPath, issues);
    if (!git) return;
    checkFields(git, { required: ['sourceActionName'], optional: ['push', 'pullRequest'] }, 'The gitConfiguration', gitPath, issues);
    if (git.sourceActionName !== undefined) {
      const namePath = childPath(gitPath, 'sourceActionName');
      const name = readValidString(git.sourceActionName, 'The sourceActionName', namePath, issues, ACTION_NAME_RULE);
      if (name !== undefined) checkSourceAction(name, namePath, sourceNames, triggered, issues);
    }
    if (git.push !== undefined) readFilters(git.push, 'push', childPath(gitPath, 'push'), issues);
    if (git.pullRequest !== undefined) readFilters(git.pullRequest, 'pullRequest', childPath(gitPath, 'pullRequest'), issues);
  });
}

function checkSourceAction(name: string, path: string, sourceNames: readonly string[], triggered: Set<string>, issues: IssueCollector): void {
  if (!sourceNames.includes(name)) {
    const suggestion = closestMatch(name, sourceNames);
    issues.add(
      path,
      'trigger_source_action_not_found',
      `The trigger names the source action ${quote(name)}, but the first stage has no Source action of that name.` +
        (suggestion ? ` Did you mean ${quote(suggestion)}?` : sourceNames.length > 0 ? ` Its Source actions are ${sourceNames.map((n) => quote(n)).join(', ')}.` : ''),
    );
  } else if (triggered.has(name)) {
    issues.add(path, 'duplicate_trigger_source_action', `The source action ${quote(name)} already has a trigger; a source action can have only one.`);
  }
  triggered.add(name);
}

const FILTER_FIELDS = {
  push: ['tags', 'branches', 'filePaths'],
  pullRequest: ['events', 'branches', 'filePaths'],
} as const;

function readFilters(value: unknown, kind: 'push' | 'pullRequest', path: string, issues: IssueCollector): void {
  const filters = readArray(value, `The ${kind} filters`, path, issues, { min: 1, max: PIPELINE_LIMITS.maxGitFilters, itemNoun: 'filter' }) ?? [];
  filters.forEach((filter, index) => {
    const filterPath = indexPath(path, index);
    const object = readObject(filter, `A ${kind} filter`, filterPath, issues);
    if (!object) return;
    checkFields(object, { required: [], optional: FILTER_FIELDS[kind] }, `A ${kind} filter`, filterPath, issues);
    for (const field of ['tags', 'branches', 'filePaths'] as const) {
      if (object[field] !== undefined) readCriteria(object[field], field, childPath(filterPath, field), issues);
    }
    if (object.events !== undefined) readEvents(object.events, childPath(filterPath, 'events'), issues);
  });
}

function readCriteria(value: unknown, field: string, path: string, issues: IssueCollector): void {
  const criteria = readObject(value, `The ${field} filter`, path, issues);
  if (!criteria) return;
  checkFields(criteria, { required: [], optional: ['includes', 'excludes'] }, `The ${field} filter`, path, issues);
  for (const list of ['includes', 'excludes'] as const) {
    if (criteria[list] === undefined) continue;
    const listPath = childPath(path, list);
    const patterns = readArray(criteria[list], `The ${field} ${list}`, listPath, issues, { min: 1, max: PIPELINE_LIMITS.maxFilterPatterns, itemNoun: 'pattern' }) ?? [];
    patterns.forEach((pattern, index) =>
      readString(pattern, 'A pattern', indexPath(listPath, index), issues, { minLength: 1, maxLength: PIPELINE_LIMITS.filterPatternMaxLength }),
    );
  }
}

function readEvents(value: unknown, path: string, issues: IssueCollector): void {
  const events = readArray(value, 'The pull request events', path, issues, { min: 1, max: GIT_PULL_REQUEST_EVENTS.length, itemNoun: 'event' }) ?? [];
  const seen = new Set<string>();
  events.forEach((event, index) => {
    const eventPath = indexPath(path, index);
    const chosen = readOneOf(event, GIT_PULL_REQUEST_EVENTS, 'A pull request event', eventPath, issues);
    if (chosen === undefined) return;
    if (seen.has(chosen)) issues.add(eventPath, 'duplicate_event', `The pull request event ${quote(chosen)} is listed twice.`);
    seen.add(chosen);
  });
}
