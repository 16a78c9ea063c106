import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createArchive, type PipelineBuckets } from '@sluice/artifact-store';
import { S3_DEPLOY } from '@sluice/domain';
import type { ActionProvider, ProviderIo, ProviderJob, ProviderResult } from '../action-provider';
import { walkEntries } from '../files/walk-entries';
import { abortFailure, jobSignal } from '../job-signal';
import { requiredConfiguration } from '../job-configuration';
import { ProviderFailure } from '../provider-failure';
import { requireBuckets } from './s3-store';

export interface S3DeployOptions {
  /** The operator's S3-compatible store (`SLUICE_S3_*`). */
  buckets?: PipelineBuckets;
}

/**
 * `Deploy/S3` (CodePipeline's `Deploy/AWS/S3`): with `Extract` true, writes each file of the input artifact to
 * `BucketName` under the prefix `ObjectKey` (none by default); with `Extract` false, uploads the artifact as one zip
 * at `ObjectKey`. Symlinks and other special files are not written (S3 has no such objects).
 */
export function s3DeployProvider(options: S3DeployOptions): ActionProvider {
  return {
    actionTypeId: S3_DEPLOY.id,
    async run(job: ProviderJob, io: ProviderIo): Promise<ProviderResult> {
      const bucket = requiredConfiguration(job, 'BucketName');
      const extract = requiredConfiguration(job, 'Extract').trim().toLowerCase();
      if (extract !== 'true' && extract !== 'false') throw new ProviderFailure(`Extract must be true or false, got ${JSON.stringify(job.configuration['Extract'])}`, 'ConfigurationError');
      const objectKey = job.configuration['ObjectKey']?.trim() ?? '';
      if (extract === 'false' && objectKey === '') throw new ProviderFailure('ObjectKey is required when Extract is false: it names the zip to upload', 'ConfigurationError');
      const [input, ...others] = job.inputArtifacts;
      if (input === undefined || others.length > 0) throw new ProviderFailure(`Deploy/S3 takes exactly one input artifact, got ${job.inputArtifacts.length}`, 'ConfigurationError');
      const buckets = requireBuckets(options.buckets, job.account, bucket);
      const signal = jobSignal(io.signal, job.timeoutMs);

      if (extract === 'false') {
        const zip = join(job.workspace, '.s3-deploy.zip');
        await pipeline(createArchive(input.directory, 'zip'), createWriteStream(zip, { flags: 'wx' }));
        const { size } = await stat(zip);
        await buckets.write(bucket, objectKey, createReadStream(zip), size);
        io.log('stdout', `Uploaded ${input.name} as s3://${bucket}/${objectKey} (${size} bytes)\n`);
        return { outputArtifacts: [], outputVariables: { BucketName: bucket, ObjectKey: objectKey }, summary: `Uploaded ${input.name} to s3://${bucket}/${objectKey}` };
      }

      const prefix = objectKey === '' ? '' : `${objectKey.replace(/\/+$/, '')}/`;
      let written = 0;
      await walkEntries(input.directory, async (entry) => {
        if (signal.aborted) throw abortFailure(signal, 'Deploy', job.timeoutMs);
        if (entry.kind === 'symlink' || entry.kind === 'other') {
          io.log('stderr', `Skipped ${entry.path}: not a regular file\n`);
          return false;
        }
        if (entry.kind === 'file') {
          const path = join(input.directory, entry.path);
          await buckets.write(bucket, `${prefix}${entry.path}`, createReadStream(path), (await stat(path)).size);
          written += 1;
        }
        return true;
      });
      io.log('stdout', `Wrote ${written} files of ${input.name} to s3://${bucket}/${prefix}\n`);
      return { outputArtifacts: [], outputVariables: { BucketName: bucket, ObjectKey: prefix }, summary: `Extracted ${input.name} to s3://${bucket}/${prefix}: ${written} files` };
    },
  };
}
