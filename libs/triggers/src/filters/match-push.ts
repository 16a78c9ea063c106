import type { GitPushFilter, PipelineTriggerDeclaration } from '@sluice/domain';
import { parseGitRef } from './git-ref';
import { matchesCriteria, matchesFilePaths } from './glob-criteria';

export interface PushEvent {
  /** The full ref: `refs/heads/main`, `refs/tags/v1.2.0`. */
  ref: string;
  /** Files added, modified or removed by the pushed commits; undefined when not known. */
  changedFiles?: readonly string[];
}

/** Filters are ORed, the criteria inside one filter ANDed (CodePipeline's `push` semantics). */
export function matchPush(trigger: PipelineTriggerDeclaration, push: PushEvent): boolean {
  return (trigger.gitConfiguration.push ?? []).some((filter) => pushFilterMatches(filter, push));
}

function pushFilterMatches(filter: GitPushFilter, push: PushEvent): boolean {
  const ref = parseGitRef(push.ref);
  switch (ref.kind) {
    case 'tag':
      // Tags combine with nothing else in CodePipeline, so file paths do not apply to a tag push.
      return filter.tags !== undefined && matchesCriteria(filter.tags, ref.name);
    case 'branch':
      if (filter.tags !== undefined && filter.branches === undefined) return false;
      return matchesCriteria(filter.branches, ref.name) && matchesFilePaths(filter.filePaths, push.changedFiles);
    case 'other':
      return false;
  }
}
