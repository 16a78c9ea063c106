import { createHash } from 'node:crypto';
import type { TriggerAuditLog } from '../audit/trigger-audit';
import type { PipelineCatalog, TriggerablePipeline } from '../pipeline-catalog';
import { polledS3SourcesOf } from '../planning/s3-source-actions';
import type { SourceRevisionOverride, StartExecutionPort } from '../start-execution-port';
import { messageOf, startFromPoller, startPollingLoop, type PollingLoop } from './polling-loop';

/** The current revision of an object (its version id, or its ETag on a store without versions); undefined when it does not exist. */
export type S3ObjectRevision = (bucket: string, key: string) => Promise<string | undefined>;

export interface S3PollerError {
  object: string;
  pipelineName?: string;
  error: string;
  consecutiveFailures: number;
  retryInMs: number;
}

export interface S3PollerOptions {
  pipelines: PipelineCatalog;
  start: StartExecutionPort;
  /** Every start is recorded, as the poller, before it happens (decision 0028). */
  audit: TriggerAuditLog;
  /** The operator's S3-compatible store (`SLUICE_S3_*`). */
  revisionOf: S3ObjectRevision;
  /** Whether an account's pipelines may watch a bucket (SLUICE_S3_BUCKETS): a source naming another bucket is not watched. */
  mayWatch: (account: string, bucket: string) => boolean;
  intervalMs?: number;
  onError?: (error: S3PollerError) => void;
  now?: () => number;
}

export type S3Poller = PollingLoop;

interface ObjectState {
  /** null before the first look; undefined while the object does not exist. */
  revision: string | undefined | null;
  consecutiveFailures: number;
  nextAttemptAt: number;
}

/**
 * Watches the objects of every pipeline's `Source/S3` actions and starts the pipelines that watch an object when a
 * new revision of it appears (the first look only remembers, as the git poller's). A start is pinned to the revision
 * seen, with a client request token of the pipeline, action and revision, so a repeated poll starts it once.
 */
export function startS3Poller(options: S3PollerOptions): S3Poller {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const report = options.onError ?? ((error: S3PollerError) => console.error(`s3 poller: ${error.object}: ${error.error}`));
  const objects = new Map<string, ObjectState>();

  async function pollOnce(): Promise<void> {
    const pipelines = await options.pipelines.listPipelines();
    const watched = new Map<string, { bucket: string; key: string }>();
    const sourcesOf = (pipeline: TriggerablePipeline) => polledS3SourcesOf(pipeline.declaration).filter((source) => options.mayWatch(pipeline.account, source.bucket));
    for (const pipeline of pipelines) for (const source of sourcesOf(pipeline)) watched.set(`${source.bucket}/${source.key}`, source);
    for (const [object, { bucket, key }] of watched) {
      if (loop.isStopped()) return;
      const state = objects.get(object) ?? { revision: null, consecutiveFailures: 0, nextAttemptAt: 0 };
      objects.set(object, state);
      if (now() < state.nextAttemptAt) continue;
      let revision: string | undefined;
      try {
        revision = await options.revisionOf(bucket, key);
        state.consecutiveFailures = 0;
        state.nextAttemptAt = 0;
      } catch (error) {
        state.consecutiveFailures += 1;
        const retryInMs = Math.min(intervalMs * 2 ** state.consecutiveFailures, intervalMs * 32);
        state.nextAttemptAt = now() + retryInMs;
        report({ object: `s3://${object}`, error: messageOf(error), consecutiveFailures: state.consecutiveFailures, retryInMs });
        continue;
      }
      const previous = state.revision;
      state.revision = revision;
      if (previous === null || revision === undefined || revision === previous) continue;
      for (const pipeline of pipelines) {
        const actions = sourcesOf(pipeline).filter((source) => source.bucket === bucket && source.key === key);
        if (actions.length === 0) continue;
        const sourceRevisions: SourceRevisionOverride[] = actions.map((action) => ({ actionName: action.actionName, revisionType: 'S3_OBJECT_VERSION_ID', revisionValue: revision }));
        const clientRequestToken = `s3-${createHash('sha256').update(JSON.stringify([pipeline.account, pipeline.name, object, revision])).digest('hex').slice(0, 40)}`;
        try {
          await startFromPoller(options, 's3-poller', pipeline, { sourceRevisions, triggerDetail: `s3://${object} ${revision}`, clientRequestToken });
        } catch (error) {
          // Forget the new revision so the next poll tries again; the token keeps the starts that worked from repeating.
          state.revision = previous;
          report({ object: `s3://${object}`, pipelineName: pipeline.name, error: messageOf(error), consecutiveFailures: 1, retryInMs: intervalMs });
        }
      }
    }
  }

  const loop = startPollingLoop(pollOnce, intervalMs, (error) => report({ object: '(all)', error: messageOf(error), consecutiveFailures: 1, retryInMs: intervalMs }));
  return loop;
}
