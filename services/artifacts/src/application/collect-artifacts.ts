import { ArtifactNotFoundError, type ArtifactStore } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import { decideRetentionFrom, type CollectableArtifact, type RetentionPolicy } from '../domain/retention';
import type { ArtifactsProjection } from '../projections/artifacts-projection';
import type { Clock } from './artifact-bytes';
import { handleArtifactCommand } from './artifact-commands';

/** A collectable artifact and the accounts that had a claim on it or a record of it (who may be told about it). */
export interface CollectedArtifact extends CollectableArtifact {
  accounts: string[];
}

export interface CollectionResult {
  dryRun: boolean;
  /** Deleted (or, in a dry run, that would be). */
  artifacts: CollectedArtifact[];
  /** Stored bytes with no history, recorded as found now (their grace starts); in a dry run, how many there are. */
  found: string[];
  freedBytes: number;
}

/**
 * Retention (docs/decisions/0017-artifacts-service.md): deletes the bytes of artifacts no kept execution
 * references once their grace is over, appending `ArtifactCollected` first (with the revision the decision
 * saw, so an upload in between wins). One collection at a time; periodic and on demand.
 */
export class ArtifactCollector {
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly events: EventStore,
    private readonly artifacts: ArtifactStore,
    private readonly projection: ArtifactsProjection,
    readonly policy: RetentionPolicy,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {}

  collect(options: { dryRun: boolean }): Promise<CollectionResult> {
    const next = this.running.then(() => this.collectNow(options.dryRun));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Collects every `intervalMs` until the returned stop is called (a failed run is logged, the next one comes). */
  startPeriodic(intervalMs: number): () => Promise<void> {
    const timer = setInterval(() => {
      this.collect({ dryRun: false }).then(
        (result) => {
          if (result.artifacts.length > 0) this.log(`artifacts: retention deleted ${result.artifacts.length} artifacts (${result.freedBytes} bytes)`);
        },
        (error: unknown) => this.log(`artifacts: retention failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await this.running;
    };
  }

  private async collectNow(dryRun: boolean): Promise<CollectionResult> {
    const stored: string[] = [];
    for await (const sha256 of this.artifacts.list()) stored.push(sha256);
    const now = this.clock();
    const model = this.projection.model;
    const decision = decideRetentionFrom(await model.retentionOf(stored, this.policy.keepExecutions), stored, now, this.policy);
    const entries = new Map((await model.entries(decision.collect.map((candidate) => candidate.sha256))).map((entry) => [entry.sha256, entry]));
    const candidates = decision.collect.map((candidate): CollectedArtifact => {
      const entry = entries.get(candidate.sha256);
      const accounts = new Set([...(entry?.uploads ?? []), ...(entry?.recordedFor ?? []), ...(entry?.records ?? []).map((record) => record.account)]);
      return { ...candidate, accounts: [...accounts].sort() };
    });
    if (dryRun) return { dryRun, artifacts: candidates, found: decision.unknown, freedBytes: sum(candidates) };

    for (const sha256 of decision.unknown) await this.recordFound(sha256, now);
    const collected: CollectedArtifact[] = [];
    for (const candidate of candidates) {
      const entry = entries.get(candidate.sha256);
      const collectedAt = now.toISOString();
      const { position } = await handleArtifactCommand(
        this.events,
        {
          type: 'CollectArtifact',
          collected: { sha256: candidate.sha256, size: candidate.size, lastUsedAt: candidate.lastUsedAt, reason: candidate.reason, collectedAt },
          decidedAtRevision: entry?.revision === undefined ? -1 : Number(entry.revision),
        },
        { actor: 'system', occurredAt: collectedAt },
      );
      // Nothing appended: something happened to the artifact since the decision (an upload, a record): keep it this time.
      if (position === undefined) continue;
      await this.projection.waitForPosition(position);
      await this.artifacts.delete(candidate.sha256);
      collected.push(candidate);
    }
    return { dryRun, artifacts: collected, found: decision.unknown, freedBytes: sum(collected) };
  }

  private async recordFound(sha256: string, now: Date): Promise<void> {
    let size: number;
    try {
      size = (await this.artifacts.stat(sha256)).size;
    } catch (error) {
      if (error instanceof ArtifactNotFoundError) return;
      throw error;
    }
    const foundAt = now.toISOString();
    const { position } = await handleArtifactCommand(this.events, { type: 'RecordFound', sha256, size, foundAt }, { actor: 'system', occurredAt: foundAt });
    if (position !== undefined) await this.projection.waitForPosition(position);
  }
}

const sum = (artifacts: CollectableArtifact[]): number => artifacts.reduce((total, artifact) => total + (artifact.size ?? 0), 0);
