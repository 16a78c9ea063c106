import {
  ArchiveLimitExceededError,
  ArtifactNotFoundError,
  ChecksumMismatchError,
  InvalidArchiveError,
  isArtifactAddress,
  UnsafeArchiveEntryError,
  type ArchiveLimits,
  type ArtifactStore,
} from '@sluice/artifact-store';
import { UPLOAD_SOURCE } from '@sluice/domain';
import { UnknownArchiveFormatError } from '../../workspace/archive-format';
import { unpackArtifact } from '../../workspace/artifact-archives';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { outputArtifactDirectory, requiredConfiguration, singleOutputArtifact } from '../job-configuration';
import { ProviderFailure } from '../provider-failure';

export interface UploadSourceOptions {
  store: ArtifactStore;
  archiveLimits?: Partial<ArchiveLimits>;
}

/** Errors that mean the uploaded archive itself is unusable. */
const refusedArchive = [UnknownArchiveFormatError, UnsafeArchiveEntryError, ArchiveLimitExceededError, InvalidArchiveError, ChecksumMismatchError];

/**
 * `Source/Upload` (the S3 source's analog): outputs the files of an archive a user uploaded (zip, tar
 * or tar.gz). The archive is the one the job's revision names — its sha256 in the artifact store,
 * recorded by the upload that started the run — or, without a revision, `ObjectKey` when it is a sha256.
 */
export function uploadSourceProvider(options: UploadSourceOptions): ActionProvider {
  return {
    actionTypeId: UPLOAD_SOURCE.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const objectKey = requiredConfiguration(job, 'ObjectKey');
      const address = archiveAddress(job, objectKey);
      const output = singleOutputArtifact(job, 'Source/Upload');
      const directory = outputArtifactDirectory(job, output.name);
      io.log('stdout', `Extracting uploaded archive ${address}\n`);
      const extracted = await unpackArtifact(options.store, address, directory, options.archiveLimits).catch((error: unknown) => {
        if (error instanceof ArtifactNotFoundError) throw new ProviderFailure(`uploaded archive ${address} (ObjectKey ${JSON.stringify(objectKey)}) not found`, 'RevisionUnavailable');
        if (refusedArchive.some((type) => error instanceof type)) throw new ProviderFailure(`uploaded archive ${address} refused: ${(error as Error).message}`, 'JobFailed');
        throw error;
      });
      return {
        outputArtifacts: [{ name: output.name, directory }],
        outputVariables: { ObjectKey: objectKey, VersionId: address, ArchiveFormat: extracted.format },
        summary: `${extracted.format} archive ${address.slice(0, 12)}: ${extracted.entries} entries, ${extracted.totalBytes} bytes`,
        sourceRevision: { revisionType: 'S3_OBJECT_VERSION_ID', revisionId: address, revisionSummary: objectKey },
      };
    },
  };
}

function archiveAddress(job: ProviderJob, objectKey: string): string {
  const revision = job.sourceRevision?.trim();
  if (revision !== undefined && revision !== '') {
    if (!isArtifactAddress(revision)) throw new ProviderFailure(`revision ${JSON.stringify(revision)} is not the sha256 of an uploaded archive`, 'ConfigurationError');
    return revision;
  }
  if (isArtifactAddress(objectKey)) return objectKey;
  throw new ProviderFailure(`no uploaded archive to fetch: the job names no revision and ObjectKey ${JSON.stringify(objectKey)} is not a sha256`, 'ConfigurationError');
}
