import { closestMatch, type IssueCollector, indexPath, quote } from '@sluice/domain';
import { findAction, SERVICE_PREFIX, SLUICE_ACTION_NAMES } from '../actions/action-catalogue';
import { globToRegExp, hasWildcard } from '../matching/glob';

/** Reads `Action`/`NotAction`: a pattern or a non-empty list of patterns, each naming at least one Sluice action. */
export function readActionPatterns(value: unknown, label: string, path: string, issues: IssueCollector): string[] | undefined {
  return readPatternList(value, label, path, issues, checkActionPattern);
}

export type PatternCheck = (pattern: string, label: string, path: string, issues: IssueCollector) => void;

export function readPatternList(value: unknown, label: string, path: string, issues: IssueCollector, check: PatternCheck): string[] | undefined {
  if (typeof value === 'string') {
    check(value, label, path, issues);
    return [value];
  }
  if (!Array.isArray(value)) {
    issues.add(path, 'wrong_type', `${label} must be a string or an array of strings.`);
    return undefined;
  }
  if (value.length === 0) {
    issues.add(path, 'empty_list', `${label} is an empty list, so the statement could never apply.`);
    return undefined;
  }
  const patterns: string[] = [];
  value.forEach((item, index) => {
    const itemPath = indexPath(path, index);
    if (typeof item !== 'string') {
      issues.add(itemPath, 'wrong_type', `Each entry of ${label} must be a string.`);
      return;
    }
    check(item, label, itemPath, issues);
    patterns.push(item);
  });
  return patterns;
}

function checkActionPattern(pattern: string, label: string, path: string, issues: IssueCollector): void {
  if (pattern === '*') return;
  const colon = pattern.indexOf(':');
  if (colon < 0) {
    const suggestion = closestMatch(`${SERVICE_PREFIX}:${pattern}`, SLUICE_ACTION_NAMES);
    issues.add(path, 'unknown_action', `${label} ${quote(pattern)} has no service prefix; actions are written "sluice:<Operation>".` + didYouMean(suggestion));
    return;
  }
  const service = pattern.slice(0, colon);
  const operation = pattern.slice(colon + 1);
  if (service.toLowerCase() !== SERVICE_PREFIX) {
    const suggestion = hasWildcard(operation) ? undefined : findAction(`${SERVICE_PREFIX}:${operation}`)?.name;
    issues.add(path, 'wrong_service', `${label} ${quote(pattern)} names the service ${quote(service)}; Sluice actions start with "sluice:".` + didYouMean(suggestion));
    return;
  }
  if (!hasWildcard(pattern)) {
    if (!findAction(pattern)) {
      issues.add(path, 'unknown_action', `${label} ${quote(pattern)} is not a Sluice action.` + didYouMean(closestMatch(pattern, SLUICE_ACTION_NAMES)));
    }
    return;
  }
  const regExp = globToRegExp(pattern, { ignoreCase: true });
  if (!SLUICE_ACTION_NAMES.some((name) => regExp.test(name))) {
    issues.add(path, 'action_matches_nothing', `${label} ${quote(pattern)} matches no Sluice action.`);
  }
}

function didYouMean(suggestion: string | undefined): string {
  return suggestion ? ` Did you mean ${quote(suggestion)}?` : '';
}
