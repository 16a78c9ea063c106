import { parseJsonPath, selectJsonPath } from './json-path';

export const MAX_WEBHOOK_FILTERS = 5;
export const MAX_MATCH_EQUALS_LENGTH = 150;

/** `{Key}` in `matchEquals`: a property of the target action's configuration (CodePipeline's placeholders). */
const PLACEHOLDER = /\{([A-Za-z0-9_-]+)\}/g;

/** The configuration keys `matchEquals` names. */
export function placeholdersOf(matchEquals: string): string[] {
  return [...matchEquals.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

/**
 * The value of a placeholder: the target action's configuration property of that name. `{Branch}` (the property of
 * CodePipeline's GitHub and CodeCommit sources, in every AWS example) also reads Sluice's `BranchName`.
 */
export function placeholderValue(key: string, configuration: Readonly<Record<string, string>>): string | undefined {
  if (Object.hasOwn(configuration, key)) return configuration[key];
  if (key === 'Branch' && Object.hasOwn(configuration, 'BranchName')) return configuration.BranchName;
  return undefined;
}

/** `matchEquals` with its placeholders replaced, or the first key the configuration lacks. */
export function substitutePlaceholders(matchEquals: string, configuration: Readonly<Record<string, string>>): { ok: true; value: string } | { ok: false; missing: string } {
  let missing: string | undefined;
  const value = matchEquals.replace(PLACEHOLDER, (whole, key: string) => {
    const found = placeholderValue(key, configuration);
    if (found === undefined) missing ??= key;
    return found ?? whole;
  });
  return missing === undefined ? { ok: true, value } : { ok: false, missing };
}

export interface WebhookFilter {
  jsonPath: string;
  matchEquals?: string;
}

/**
 * Whether a delivery's body passes every filter (CodePipeline: all must match, else the request is ignored); when not,
 * the first that failed and why. A filter without `matchEquals` asks only that the path selects a value.
 */
export function matchWebhookFilters(
  body: unknown,
  filters: readonly WebhookFilter[],
  configuration: Readonly<Record<string, string>>,
): { matched: true } | { matched: false; index: number; reason: string } {
  for (const [index, filter] of filters.entries()) {
    const path = parseJsonPath(filter.jsonPath);
    if (!path.ok) return { matched: false, index, reason: path.problem };
    const selected = selectJsonPath(body, path.steps);
    if (selected === undefined) return { matched: false, index, reason: `${filter.jsonPath} selects no value in the body` };
    if (filter.matchEquals === undefined) continue;
    const expected = substitutePlaceholders(filter.matchEquals, configuration);
    if (!expected.ok) return { matched: false, index, reason: `the target action has no configuration property '${expected.missing}' for {${expected.missing}}` };
    if (selected !== expected.value) return { matched: false, index, reason: `${filter.jsonPath} is '${selected.slice(0, 200)}', not '${expected.value}'` };
  }
  return { matched: true };
}
