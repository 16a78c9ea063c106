import type { PipelineDeclaration } from '@sluice/domain';

/** A `Source/Git` action of a pipeline: the repository and branch it fetches. */
export interface GitSourceAction {
  actionName: string;
  repositoryUrl: string;
  branchName: string;
  /** `DetectChanges: "false"` turns off starting on changes to `branchName`. */
  detectChanges: boolean;
  /** `PollForSourceChanges: "false"` leaves this source to webhooks: the git poller skips it. */
  pollForSourceChanges: boolean;
}

export function gitSourceActionsOf(declaration: PipelineDeclaration): GitSourceAction[] {
  const sources: GitSourceAction[] = [];
  for (const stage of declaration.stages) {
    for (const action of stage.actions) {
      const { category, provider } = action.actionTypeId;
      const repositoryUrl = action.configuration?.RepositoryUrl;
      const branchName = action.configuration?.BranchName;
      if (category !== 'Source' || provider !== 'Git' || !repositoryUrl || !branchName) continue;
      sources.push({
        actionName: action.name,
        repositoryUrl,
        branchName,
        detectChanges: action.configuration?.DetectChanges?.toLowerCase() !== 'false',
        pollForSourceChanges: action.configuration?.PollForSourceChanges?.toLowerCase() !== 'false',
      });
    }
  }
  return sources;
}
