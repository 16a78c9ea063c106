import type { Readable } from 'node:stream';
import { ArtifactNotFoundError, type ArtifactStore, type GetArtifactOptions, type StoredArtifact } from '@sluice/artifact-store';
import type { EventStore } from '@sluice/eventing';
import type { ArtifactsProjection } from '../projections/artifacts-projection';
import { handleArtifactCommand } from './artifact-commands';

export type Clock = () => Date;

export interface Caller {
  account: string;
  actor: string;
}

/**
 * Bytes in and out for an account. Content addressing stores equal bytes once for everybody, so who
 * may read them is recorded apart, as events: an account reads only what it uploaded or what its
 * executions produced, and an address it has no claim on is "not found" (never "someone else's").
 */
export class ArtifactBytes {
  constructor(
    private readonly events: EventStore,
    private readonly artifacts: ArtifactStore,
    private readonly projection: ArtifactsProjection,
    private readonly clock: Clock,
    /** The service's own upload limit (bytes); an uploader may ask for less. */
    readonly maxUploadBytes: number,
  ) {}

  async upload(caller: Caller, source: Readable, options: { expectedSha256?: string; maxBytes?: number }): Promise<StoredArtifact> {
    const maxBytes = Math.min(options.maxBytes ?? this.maxUploadBytes, this.maxUploadBytes);
    const stored = await this.artifacts.put(source, { ...(options.expectedSha256 ? { expectedSha256: options.expectedSha256 } : {}), maxBytes });
    // Already readable: a repeated upload changes nothing (the decider says so; concurrent ones decide in turn).
    if (!(await this.projection.model.isReadableBy(stored.sha256, caller.account))) {
      const uploadedAt = this.clock().toISOString();
      const { position } = await handleArtifactCommand(
        this.events,
        { type: 'UploadArtifact', sha256: stored.sha256, account: caller.account, size: stored.size, uploadedBy: caller.actor, uploadedAt },
        { account: caller.account, actor: caller.actor, occurredAt: uploadedAt },
      );
      if (position !== undefined) await this.projection.waitForPosition(position);
    }
    return stored;
  }

  isReadable(account: string, sha256: string): Promise<boolean> {
    return this.projection.model.isReadableBy(sha256, account);
  }

  /** Size and content type of bytes the account may read (`ArtifactNotFoundError` otherwise). */
  async describe(account: string, sha256: string): Promise<{ size: number; contentType: string }> {
    if (!(await this.isReadable(account, sha256))) throw new ArtifactNotFoundError(sha256);
    const { size } = await this.artifacts.stat(sha256);
    return { size, contentType: (await this.projection.model.artifact(sha256))?.contentType ?? 'application/octet-stream' };
  }

  async download(account: string, sha256: string, options: GetArtifactOptions = {}): Promise<Readable> {
    if (!(await this.isReadable(account, sha256))) throw new ArtifactNotFoundError(sha256);
    return this.artifacts.get(sha256, options);
  }

  readableBy(account: string): Promise<string[]> {
    return this.projection.model.readableBy(account);
  }

  /** The account gives up its claim. The bytes stay for other claims and kept executions; retention removes them later. */
  async release(caller: Caller, sha256: string): Promise<void> {
    if (!(await this.isReadable(caller.account, sha256))) return;
    const releasedAt = this.clock().toISOString();
    const { position } = await handleArtifactCommand(
      this.events,
      { type: 'ReleaseArtifact', sha256, account: caller.account, releasedBy: caller.actor, releasedAt },
      { account: caller.account, actor: caller.actor, occurredAt: releasedAt },
    );
    if (position !== undefined) await this.projection.waitForPosition(position);
  }
}
