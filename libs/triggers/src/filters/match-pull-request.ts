import type { GitPullRequestEventType, GitPullRequestFilter, PipelineTriggerDeclaration } from '@sluice/domain';
import { matchesCriteria, matchesFilePaths } from './glob-criteria';

export interface PullRequestEvent {
  event: GitPullRequestEventType;
  sourceBranch: string;
  /** The branch the pull request merges into: the one `branches` filters on. */
  destinationBranch: string;
  changedFiles?: readonly string[];
}

/** Filters are ORed; no `events` means all three (OPEN, UPDATED, CLOSED). */
export function matchPullRequest(trigger: PipelineTriggerDeclaration, pr: PullRequestEvent): boolean {
  return (trigger.gitConfiguration.pullRequest ?? []).some((filter) => pullRequestFilterMatches(filter, pr));
}

function pullRequestFilterMatches(filter: GitPullRequestFilter, pr: PullRequestEvent): boolean {
  const eventMatches = !filter.events?.length || filter.events.includes(pr.event);
  return eventMatches && matchesCriteria(filter.branches, pr.destinationBranch) && matchesFilePaths(filter.filePaths, pr.changedFiles);
}
