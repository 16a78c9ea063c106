import type { PipelineTriggerDeclaration } from '@sluice/domain';
import { matchPullRequest } from '../filters/match-pull-request';
import { matchPush } from '../filters/match-push';
import type { TriggerablePipeline } from '../pipeline-catalog';
import type { SourceRevisionOverride } from '../start-execution-port';
import { gitSourceActionsOf, type GitSourceAction } from './git-source-actions';
import { normalizeRepositoryUrl } from './repository-url';
import type { SourceEvent } from './source-event';

/** One execution to start: a pipeline, with the event's commit pinned for each source action it concerns. */
export interface PlannedStart {
  pipeline: TriggerablePipeline;
  sourceRevisions: SourceRevisionOverride[];
}

/** Which pipelines a source event starts, and with which revisions. Pure. */
export function planStarts(event: SourceEvent, pipelines: readonly TriggerablePipeline[]): PlannedStart[] {
  const repositories = new Set(event.repositoryUrls.map(normalizeRepositoryUrl));
  const planned: PlannedStart[] = [];
  for (const pipeline of pipelines) {
    const sourceRevisions = gitSourceActionsOf(pipeline.declaration)
      .filter((source) => repositories.has(normalizeRepositoryUrl(source.repositoryUrl)))
      .filter((source) => sourceIsTriggered(source, triggersOf(pipeline, source), event))
      .map((source): SourceRevisionOverride => ({ actionName: source.actionName, revisionType: 'COMMIT_ID', revisionValue: event.commitId }));
    if (sourceRevisions.length > 0) planned.push({ pipeline, sourceRevisions });
  }
  return planned;
}

function triggersOf(pipeline: TriggerablePipeline, source: GitSourceAction): PipelineTriggerDeclaration[] {
  return (pipeline.declaration.triggers ?? []).filter((trigger) => trigger.gitConfiguration.sourceActionName === source.actionName);
}

function sourceIsTriggered(source: GitSourceAction, triggers: PipelineTriggerDeclaration[], event: SourceEvent): boolean {
  const filtered = triggers.filter((t) => (t.gitConfiguration.push?.length ?? 0) + (t.gitConfiguration.pullRequest?.length ?? 0) > 0);
  if (filtered.length === 0) {
    // CodePipeline's default change detection: a push to the action's branch, unless turned off.
    return source.detectChanges && event.kind === 'push' && event.ref === `refs/heads/${source.branchName}`;
  }
  switch (event.kind) {
    case 'push':
      return filtered.some((trigger) => matchPush(trigger, event));
    case 'pullRequest':
      return filtered.some((trigger) => matchPullRequest(trigger, event));
  }
}
