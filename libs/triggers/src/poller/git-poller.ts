import { redactUrlCredentials, type GitHostCredentials } from '@sluice/domain';
import type { TriggerAuditLog } from '../audit/trigger-audit';
import type { PipelineCatalog, TriggerablePipeline } from '../pipeline-catalog';
import { gitSourceActionsOf } from '../planning/git-source-actions';
import { planStarts } from '../planning/plan-starts';
import { normalizeRepositoryUrl, redactRepositoryUrl } from '../planning/repository-url';
import type { SourcePush } from '../planning/source-event';
import { sourceRevisionToken } from '../planning/source-revision-token';
import type { StartExecutionPort } from '../start-execution-port';
import { gitLsRemote, type LsRemote } from './ls-remote';
import { messageOf, startFromPoller, startPollingLoop, type PollingLoop } from './polling-loop';

export interface GitPollerError {
  /** Credentials removed. */
  repositoryUrl: string;
  pipelineName?: string;
  error: string;
  consecutiveFailures: number;
  retryInMs: number;
}

export interface GitPollerOptions {
  pipelines: PipelineCatalog;
  start: StartExecutionPort;
  /** Every start is recorded, as the poller, before it happens (decision 0028); one that cannot be is tried at the next poll. */
  audit: TriggerAuditLog;
  intervalMs?: number;
  /** How refs are listed; `git ls-remote` (with `gitCredentials`) unless given. */
  lsRemote?: LsRemote;
  /** The operator's git credentials for the default `lsRemote`: only for URLs without their own, only to the listed hosts. */
  gitCredentials?: GitHostCredentials;
  /** Start on the first sight of a repository's refs too (off: the first poll only remembers them). */
  startOnFirstSight?: boolean;
  onError?: (error: GitPollerError) => void;
  now?: () => number;
}

export type GitPoller = PollingLoop;

interface RepositoryState {
  refs: Map<string, string> | null;
  consecutiveFailures: number;
  nextAttemptAt: number;
}

/** Polls the repositories of every pipeline's `Source/Git` actions and starts what a push would have started. */
export function startGitPoller(options: GitPollerOptions): GitPoller {
  const intervalMs = options.intervalMs ?? 60_000;
  const lsRemote = options.lsRemote ?? ((url: string) => gitLsRemote(url, { credentials: options.gitCredentials }));
  const now = options.now ?? Date.now;
  const emit = options.onError ?? ((error: GitPollerError) => console.error(`git poller: ${error.repositoryUrl}: ${error.error}`));
  // Every line the poller reports passes here: whatever a git or start error echoed, no URL keeps its credentials.
  const report = (error: GitPollerError): void => emit({ ...error, repositoryUrl: redactUrlCredentials(error.repositoryUrl), error: redactUrlCredentials(error.error) });
  const repositories = new Map<string, RepositoryState>();

  async function pollOnce(): Promise<void> {
    const pipelines = await options.pipelines.listPipelines();
    const urls = new Map<string, string>();
    for (const pipeline of pipelines) {
      for (const source of polledSourcesOf(pipeline)) urls.set(normalizeRepositoryUrl(source.repositoryUrl), source.repositoryUrl);
    }
    for (const [key, url] of urls) {
      if (loop.isStopped()) return;
      const state = repositories.get(key) ?? { refs: null, consecutiveFailures: 0, nextAttemptAt: 0 };
      repositories.set(key, state);
      if (now() < state.nextAttemptAt) continue;
      try {
        const current = await lsRemote(url);
        const previous = state.refs;
        state.refs = new Map(current);
        state.consecutiveFailures = 0;
        state.nextAttemptAt = 0;
        if (previous || options.startOnFirstSight) await startChanged(url, previous ?? new Map(), current, pipelines, state);
      } catch (error) {
        state.consecutiveFailures += 1;
        const retryInMs = Math.min(intervalMs * 2 ** state.consecutiveFailures, intervalMs * 32);
        state.nextAttemptAt = now() + retryInMs;
        report({ repositoryUrl: redactRepositoryUrl(url), error: messageOf(error), consecutiveFailures: state.consecutiveFailures, retryInMs });
      }
    }
  }

  async function startChanged(
    url: string,
    previous: Map<string, string>,
    current: Map<string, string>,
    pipelines: Awaited<ReturnType<PipelineCatalog['listPipelines']>>,
    state: RepositoryState,
  ): Promise<void> {
    for (const [ref, commitId] of current) {
      const before = previous.get(ref);
      if (before === commitId) continue;
      const push: SourcePush = { kind: 'push', repositoryUrls: [url], ref, commitId };
      for (const planned of planStarts(push, pipelines)) {
        const { pipeline } = planned;
        const polled = new Set(polledSourcesOf(pipeline).map((source) => source.actionName));
        const sourceRevisions = planned.sourceRevisions.filter((revision) => polled.has(revision.actionName));
        if (sourceRevisions.length === 0) continue;
        try {
          await startFromPoller(options, 'git-poller', pipeline, { sourceRevisions, triggerDetail: `${redactRepositoryUrl(url)} ${ref}`, clientRequestToken: sourceRevisionToken(push, sourceRevisions) });
        } catch (error) {
          // Forget the new commit so the next poll tries again; the token keeps the starts that worked from repeating.
          if (before === undefined) state.refs?.delete(ref);
          else state.refs?.set(ref, before);
          report({ repositoryUrl: redactRepositoryUrl(url), pipelineName: pipeline.name, error: messageOf(error), consecutiveFailures: 1, retryInMs: intervalMs });
        }
      }
    }
  }

  const loop = startPollingLoop(pollOnce, intervalMs, (error) => report({ repositoryUrl: '(all)', error: messageOf(error), consecutiveFailures: 1, retryInMs: intervalMs }));
  return loop;
}

/** The `Source/Git` actions the poller watches: all but those with `PollForSourceChanges: "false"`. */
function polledSourcesOf(pipeline: TriggerablePipeline) {
  return gitSourceActionsOf(pipeline.declaration).filter((source) => source.pollForSourceChanges);
}
