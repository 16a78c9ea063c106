import { NotFoundError, ValidationError } from '@sluice/domain';
import { isArtifactAddress } from '@sluice/artifact-store';
import { signDownloadToken } from '../domain/download-token';
import type { ArtifactsProjection } from '../projections/artifacts-projection';
import type { ArtifactRecord } from '../projections/artifacts-read-model';
import type { Caller, Clock } from './artifact-bytes';
import { DOWNLOAD_PATH } from '@sluice/artifact-store';

export interface ArtifactView {
  sha256: string;
  size: number | null;
  contentType: string | null;
  collected: boolean;
  records: ArtifactRecord[];
}

export interface ArtifactDownload {
  /** Path on the gateway's origin (and on the artifacts service): `/artifacts/download/{token}`. */
  url: string;
  expiresAt: string;
  sha256: string;
  size: number | null;
}

export class ArtifactQueries {
  constructor(
    private readonly projection: ArtifactsProjection,
    private readonly urlSecret: Buffer,
    private readonly clock: Clock,
    /** How long a signed download URL works. */
    private readonly downloadUrlTtlMs: number,
  ) {}

  listArtifacts(caller: Caller, pipelineExecutionId: string): Promise<ArtifactRecord[]> {
    return this.projection.model.recordsOf(pipelineExecutionId, caller.account);
  }

  /** Metadata of an artifact the caller's account may see (recorded for it or uploaded by it); null otherwise. */
  async artifact(caller: Caller, sha256: string): Promise<ArtifactView | null> {
    if (!isArtifactAddress(sha256)) throw new ValidationError([{ path: 'sha256', code: 'invalid_sha256', message: `Expected 64 lowercase hex characters, got ${JSON.stringify(sha256)}.` }]);
    const entry = await this.projection.model.artifact(sha256);
    if (!entry) return null;
    const records = entry.records.filter((record) => record.account === caller.account);
    if (records.length === 0 && !entry.uploads.includes(caller.account)) return null;
    return { sha256, size: entry.size, contentType: entry.contentType, collected: entry.collected, records };
  }

  /** A signed, expiring URL for one artifact an execution of the pipeline produced. */
  async artifactDownloadUrl(caller: Caller, pipelineName: string, pipelineExecutionId: string, artifactName: string): Promise<ArtifactDownload> {
    const records = (await this.projection.model.recordsOf(pipelineExecutionId, caller.account)).filter((record) => record.pipelineName === pipelineName);
    if (records.length === 0) throw new NotFoundError('execution', pipelineExecutionId, `The pipeline '${pipelineName}' has no execution '${pipelineExecutionId}' with recorded artifacts.`);
    // The newest record wins when a retried action produced the name again.
    const record = records.filter((candidate) => candidate.name === artifactName).at(-1);
    if (!record) {
      const names = [...new Set(records.map((candidate) => candidate.name))].join(', ');
      throw new NotFoundError('artifact', artifactName, `The execution '${pipelineExecutionId}' has no artifact '${artifactName}' (it has: ${names}).`);
    }
    if (!(await this.projection.model.isReadableBy(record.sha256, caller.account))) {
      throw new NotFoundError('artifact', artifactName, `The artifact '${artifactName}' of execution '${pipelineExecutionId}' is no longer stored (retention collected it).`, 'ARTIFACT_COLLECTED');
    }
    const expiresAt = new Date(this.clock().getTime() + this.downloadUrlTtlMs);
    const token = signDownloadToken({ account: caller.account, sha256: record.sha256, fileName: fileNameOf(record), expiresAt }, this.urlSecret);
    // Whole seconds: the token carries its expiry in seconds.
    return { url: `${DOWNLOAD_PATH}/${token}`, expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000).toISOString(), sha256: record.sha256, size: record.size };
  }
}

function fileNameOf(record: ArtifactRecord): string {
  const extension = record.contentType === 'application/zip' ? '.zip' : record.contentType === 'application/gzip' ? '.tar.gz' : record.contentType === 'application/x-tar' ? '.tar' : '';
  return `${record.pipelineName}-${record.name}${extension}`;
}
