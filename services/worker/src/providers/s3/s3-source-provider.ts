import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  ArchiveLimitExceededError,
  extractArchive,
  InvalidArchiveError,
  ObjectNotFoundError,
  UnsafeArchiveEntryError,
  type ArchiveLimits,
  type PipelineBuckets,
} from '@sluice/artifact-store';
import { S3_SOURCE } from '@sluice/domain';
import { archiveFormatOf } from '../../workspace/archive-format';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { outputArtifactDirectory, requiredConfiguration, singleOutputArtifact } from '../job-configuration';
import { ProviderFailure } from '../provider-failure';
import { requireBuckets } from './s3-store';

export interface S3SourceOptions {
  /** The operator's S3-compatible store (`SLUICE_S3_*`); without one every S3 action fails, saying so. */
  buckets?: PipelineBuckets;
  archiveLimits?: Partial<ArchiveLimits>;
}

const refusedArchive = [UnsafeArchiveEntryError, ArchiveLimitExceededError, InvalidArchiveError];

/**
 * `Source/S3` (CodePipeline's `Source/AWS/S3`): outputs the files of the archive (zip, tar or tar.gz) at
 * `S3Bucket`/`S3ObjectKey`. The revision is the object's version id, or its ETag when the bucket keeps no versions;
 * a pinned revision (a retry, a re-run) fetches that version, and on a store without versions fails when the object
 * has changed since, rather than deploy other bytes under the old revision.
 */
export function s3SourceProvider(options: S3SourceOptions): ActionProvider {
  return {
    actionTypeId: S3_SOURCE.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const bucket = requiredConfiguration(job, 'S3Bucket');
      const key = requiredConfiguration(job, 'S3ObjectKey');
      const buckets = requireBuckets(options.buckets, job.account, bucket);
      const output = singleOutputArtifact(job, 'Source/S3');
      const where = `s3://${bucket}/${key}`;
      const missing = (error: unknown): never => {
        if (error instanceof ObjectNotFoundError) throw new ProviderFailure(`${where} does not exist`, 'RevisionUnavailable');
        throw error;
      };
      const current = await buckets.currentVersion(bucket, key).catch(missing);
      const pinned = job.sourceRevision?.trim() || undefined;
      let versionId = current.versionId;
      if (pinned !== undefined && pinned !== current.revision) {
        if (current.versionId === undefined) {
          throw new ProviderFailure(`${where} is no longer revision ${pinned} (its ETag is now ${current.etag}) and the bucket keeps no versions`, 'RevisionUnavailable');
        }
        versionId = pinned;
      }
      const revision = pinned ?? current.revision;
      io.log('stdout', `Fetching ${where} at revision ${revision}\n`);
      const archive = join(job.workspace, '.s3-source-object');
      await pipeline(await buckets.read(bucket, key, versionId).catch(missing), createWriteStream(archive, { flags: 'wx' }));
      const format = archiveFormatOf(await firstBytes(archive));
      if (format === undefined) throw new ProviderFailure(`${where} is neither a zip, a tar nor a tar.gz archive`, 'JobFailed');
      const directory = outputArtifactDirectory(job, output.name);
      const extracted = await extractArchive(archive, directory, { format, ...options.archiveLimits }).catch((error: unknown) => {
        if (refusedArchive.some((type) => error instanceof type)) throw new ProviderFailure(`${where} refused: ${(error as Error).message}`, 'JobFailed');
        throw error;
      });
      return {
        outputArtifacts: [{ name: output.name, directory }],
        // CodePipeline's S3 source variables.
        outputVariables: { BucketName: bucket, ObjectKey: key, VersionId: revision, ...(revision === current.revision ? { ETag: current.etag } : {}) },
        summary: `${format} archive ${where} at ${revision}: ${extracted.entries} entries, ${extracted.totalBytes} bytes`,
        sourceRevision: { revisionType: 'S3_OBJECT_VERSION_ID', revisionId: revision, revisionSummary: where },
      };
    },
  };
}

async function firstBytes(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await file.read(buffer, 0, 512, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}
