import type { GitPullRequestEventType } from '@sluice/domain';

/** A change in a repository, whoever reported it (a webhook provider or the poller). */
export type SourceEvent = SourcePush | SourcePullRequest;

export interface SourcePush {
  kind: 'push';
  /** Every URL the repository is known by (clone, ssh, web), matched after normalization. */
  repositoryUrls: string[];
  ref: string;
  commitId: string;
  changedFiles?: string[];
}

export interface SourcePullRequest {
  kind: 'pullRequest';
  repositoryUrls: string[];
  event: GitPullRequestEventType;
  sourceBranch: string;
  destinationBranch: string;
  /** The head of the source branch: what the execution builds. */
  commitId: string;
  changedFiles?: string[];
}
