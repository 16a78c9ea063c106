import { minimatch } from 'minimatch';

/** CodePipeline's include/exclude lists of glob patterns. */
export interface GlobCriteria {
  includes?: string[];
  excludes?: string[];
}

// Negation is off: exclusion is what `excludes` is for, and a leading "!" in a branch name is literal.
const GLOB_OPTIONS = { dot: true, nonegate: true, nocomment: true } as const;

function anyMatches(patterns: readonly string[] | undefined, value: string): boolean {
  return (patterns ?? []).some((pattern) => minimatch(value, pattern, GLOB_OPTIONS));
}

/** No includes means everything is included; an exclude always wins over an include. */
export function matchesCriteria(criteria: GlobCriteria | undefined, value: string): boolean {
  if (!criteria) return true;
  const included = !criteria.includes?.length || anyMatches(criteria.includes, value);
  return included && !anyMatches(criteria.excludes, value);
}

/**
 * A change matches when ANY of its files is included and not excluded (AWS: a push touching
 * `src/a.ts` and `README.md` with `excludes: ["**\/README.md"]` still starts the pipeline).
 * Unknown files (a poll, a pull request payload without files) cannot be filtered out.
 */
export function matchesFilePaths(criteria: GlobCriteria | undefined, changedFiles: readonly string[] | undefined): boolean {
  if (!criteria || changedFiles === undefined) return true;
  return changedFiles.some((file) => matchesCriteria(criteria, file));
}
