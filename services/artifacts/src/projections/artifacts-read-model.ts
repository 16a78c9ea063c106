import { isArtifactAddress } from '@sluice/artifact-store';
import type { RebuildableProjection, RecordedEvent } from '@sluice/eventing';
import { type ArtifactRef, type ExecutionEvent, type SourceRevision, ARTIFACT_STREAM_PREFIX, EXECUTION_STREAM_PREFIX, type ArtifactEvent, type ArtifactRecorded, type ArtifactSourceRevision } from '@sluice/contracts';
import type { RetentionArtifact, RetentionExecution, RetentionView } from '../domain/retention';

export type ArtifactRecord = ArtifactRecorded['data'];

export interface ArtifactEntry {
  sha256: string;
  /** Collections so far: part of derived event ids. */
  generation: number;
  /** Stream revision of the last `artifact-{sha256}` event folded in; undefined when the stream does not exist. */
  revision: bigint | undefined;
  /** Accounts whose claim comes from an upload. */
  uploads: Set<string>;
  /** Accounts whose claim comes from a record (an execution of theirs produced the bytes). */
  recordedFor: Set<string>;
  records: ArtifactRecord[];
  size: number | null;
  contentType: string | null;
  lastUsedAt: string | null;
  collected: boolean;
}

/** An output an action produced that the service still has to record (the reactor appends `ArtifactRecorded`). */
export type PendingRecord = Omit<ArtifactRecorded['data'], 'size' | 'contentType'>;

interface ExecutionEntry extends RetentionExecution {
  account: string;
  pipelineName: string;
  references: Set<string>;
  /** The newest source revision the execution knows (pinned at start or fetched by a source action). */
  sourceRevision: ArtifactSourceRevision | null;
}

const TERMINAL = new Set(['PipelineExecutionSucceeded', 'PipelineExecutionFailed', 'PipelineExecutionStopped', 'PipelineExecutionSuperseded']);

const later = (a: string | null, b: string): string => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * What the artifacts service knows, folded from `artifact-` and `execution-` events: who may read which
 * bytes, each artifact's records, and which executions reference what (for retention). Pure; rebuilt by replay
 * at start (ArtifactsProjection feeds it) and by `npm run rebuild-projections` (docs/decisions/0022).
 */
export class ArtifactsReadModel implements RetentionView, RebuildableProjection {
  readonly name = 'artifacts.read-model';
  readonly streamPrefixes = [ARTIFACT_STREAM_PREFIX, EXECUTION_STREAM_PREFIX];
  private readonly artifacts = new Map<string, ArtifactEntry>();
  private readonly executionsById = new Map<string, ExecutionEntry>();
  private readonly recordsByExecution = new Map<string, ArtifactRecord[]>();
  private readonly recordedIds = new Set<string>();
  private position: bigint | undefined;

  reset(): void {
    this.artifacts.clear();
    this.executionsById.clear();
    this.recordsByExecution.clear();
    this.recordedIds.clear();
    this.position = undefined;
  }

  /** Folds one event (the rebuild's entry point; the outputs to record matter only to the live service). */
  apply(event: RecordedEvent): void {
    this.fold(event);
  }

  checkpoint(): bigint | undefined {
    return this.position;
  }

  /** Everything folded, as plain data in a stable order (sets as sorted arrays): rebuilt and live copies compare deep-equal. */
  contents() {
    const sorted = (set: Set<string>) => [...set].sort();
    const byKey = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return {
      artifacts: new Map(byKey(this.artifacts).map(([sha256, entry]) => [sha256, { ...entry, uploads: sorted(entry.uploads), recordedFor: sorted(entry.recordedFor), records: [...entry.records] }])),
      executions: new Map(byKey(this.executionsById).map(([id, execution]) => [id, { ...execution, references: sorted(execution.references) }])),
      recordsByExecution: new Map(byKey(this.recordsByExecution).map(([id, records]) => [id, [...records]])),
      recorded: sorted(this.recordedIds),
    };
  }

  /** Folds one event; returns the outputs it asks the service to record (none for artifact events). */
  fold(event: RecordedEvent): PendingRecord[] {
    this.position = event.position;
    if (event.streamId.startsWith(ARTIFACT_STREAM_PREFIX)) {
      this.applyArtifactEvent(event.data as never, event.type, event.revision);
      return [];
    }
    if (event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
      return this.applyExecutionEvent({ type: event.type, data: event.data } as ExecutionEvent, event.streamId.slice(EXECUTION_STREAM_PREFIX.length), event.metadata.occurredAt);
    }
    return [];
  }

  get executions(): Iterable<RetentionExecution> {
    return this.executionsById.values();
  }

  artifact(sha256: string): (RetentionArtifact & ArtifactEntry) | undefined {
    return this.artifacts.get(sha256);
  }

  /** Whether `account` may read the bytes: it uploaded them or an execution of its produced them, and they were not collected since. */
  isReadableBy(sha256: string, account: string): boolean {
    const entry = this.artifacts.get(sha256);
    return entry !== undefined && !entry.collected && (entry.uploads.has(account) || entry.recordedFor.has(account));
  }

  /** Addresses `account` may read. */
  *readableBy(account: string): Iterable<string> {
    for (const entry of this.artifacts.values()) if (this.isReadableBy(entry.sha256, account)) yield entry.sha256;
  }

  recordsOf(pipelineExecutionId: string, account: string): ArtifactRecord[] {
    return (this.recordsByExecution.get(pipelineExecutionId) ?? []).filter((record) => record.account === account);
  }

  hasRecorded(actionExecutionId: string, name: string): boolean {
    return this.recordedIds.has(`${actionExecutionId}\u0000${name}`);
  }

  private entry(sha256: string): ArtifactEntry {
    let entry = this.artifacts.get(sha256);
    if (!entry) {
      entry = { sha256, generation: 0, revision: undefined, uploads: new Set(), recordedFor: new Set(), records: [], size: null, contentType: null, lastUsedAt: null, collected: false };
      this.artifacts.set(sha256, entry);
    }
    return entry;
  }

  private applyArtifactEvent(event: ArtifactEvent['data'], type: string, revision: bigint): void {
    const typed = { type, data: event } as ArtifactEvent;
    const entry = this.entry(typed.data.sha256);
    entry.revision = revision;
    switch (typed.type) {
      case 'ArtifactUploaded':
        entry.collected = false;
        entry.uploads.add(typed.data.account);
        entry.size = typed.data.size;
        entry.lastUsedAt = later(entry.lastUsedAt, typed.data.uploadedAt);
        return;
      case 'ArtifactRecorded': {
        const record = typed.data;
        entry.records.push(record);
        if (record.size !== null) {
          entry.collected = false;
          entry.recordedFor.add(record.account);
          entry.size = record.size;
          entry.contentType = record.contentType ?? entry.contentType;
        }
        entry.lastUsedAt = later(entry.lastUsedAt, record.recordedAt);
        this.recordedIds.add(`${record.actionExecutionId}\u0000${record.name}`);
        const list = this.recordsByExecution.get(record.pipelineExecutionId) ?? [];
        list.push(record);
        this.recordsByExecution.set(record.pipelineExecutionId, list);
        return;
      }
      case 'ArtifactReleased':
        entry.uploads.delete(typed.data.account);
        entry.recordedFor.delete(typed.data.account);
        return;
      case 'ArtifactFound':
        entry.collected = false;
        entry.size = typed.data.size;
        entry.lastUsedAt = later(entry.lastUsedAt, typed.data.foundAt);
        return;
      case 'ArtifactCollected':
        entry.collected = true;
        entry.generation += 1;
        entry.uploads.clear();
        entry.recordedFor.clear();
        entry.lastUsedAt = null;
        return;
      default:
        return;
    }
  }

  private applyExecutionEvent(event: ExecutionEvent, executionId: string, occurredAt: string): PendingRecord[] {
    if (event.type === 'PipelineExecutionStarted') {
      const { inputs, startedAt } = event.data;
      const pinned = inputs.sourceRevisions.at(-1);
      const execution: ExecutionEntry = {
        id: executionId,
        account: inputs.pipeline.account,
        pipelineName: inputs.pipeline.name,
        pipelineKey: `${inputs.pipeline.account}.${inputs.pipeline.name}`,
        startedAt,
        running: true,
        references: new Set(),
        sourceRevision: pinned ? sourceRevisionOf(pinned) : null,
      };
      this.executionsById.set(executionId, execution);
      if (inputs.scope.kind === 'SingleStage') this.reference(execution, inputs.scope.inheritedArtifacts, startedAt);
      return [];
    }
    const execution = this.executionsById.get(executionId);
    if (!execution) return [];
    switch (event.type) {
      case 'ActionExecutionStarted':
        this.reference(execution, event.data.inputArtifacts, event.data.startedAt);
        return [];
      case 'ActionExecutionSucceeded': {
        const { data } = event;
        this.reference(execution, data.outputArtifacts, data.finishedAt);
        if (data.sourceRevision) execution.sourceRevision = sourceRevisionOf(data.sourceRevision);
        return data.outputArtifacts
          .filter((output) => isArtifactAddress(output.location) && !this.hasRecorded(data.actionExecutionId, output.name))
          .map((output) => ({
            sha256: output.location,
            account: execution.account,
            name: output.name,
            pipelineName: execution.pipelineName,
            pipelineExecutionId: execution.id,
            stageName: data.stageName,
            actionName: data.actionName,
            actionExecutionId: data.actionExecutionId,
            sourceRevision: execution.sourceRevision,
            recordedAt: data.finishedAt,
          }));
      }
      default:
        if (TERMINAL.has(event.type)) {
          execution.running = false;
          for (const sha256 of execution.references) {
            const entry = this.artifacts.get(sha256);
            if (entry) entry.lastUsedAt = later(entry.lastUsedAt, occurredAt);
          }
        }
        return [];
    }
  }

  private reference(execution: ExecutionEntry, artifacts: ArtifactRef[], at: string): void {
    // Locations are content addresses; anything else (a custom worker's own scheme) is not ours to keep.
    for (const artifact of artifacts.filter((candidate) => isArtifactAddress(candidate.location))) {
      execution.references.add(artifact.location);
      const entry = this.entry(artifact.location);
      entry.lastUsedAt = later(entry.lastUsedAt, at);
    }
  }
}

function sourceRevisionOf(revision: SourceRevision): ArtifactSourceRevision {
  return {
    actionName: revision.actionName,
    revisionType: revision.revisionType,
    revisionId: revision.revisionId,
    revisionSummary: revision.revisionSummary,
    revisionUrl: revision.revisionUrl,
  };
}

/** Every projection of the artifacts service, fresh: the registry the rebuild command walks (docs/decisions/0022). */
export function artifactsProjections(): RebuildableProjection[] {
  return [new ArtifactsReadModel()];
}
