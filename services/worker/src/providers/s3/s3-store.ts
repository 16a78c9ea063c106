import { ObjectNotFoundError, openPipelineBuckets, type PipelineBuckets, type PipelineBucketsConfig } from '@sluice/artifact-store';
import { ProviderFailure } from '../provider-failure';

/** The operator's S3-compatible store, or the failure that says how to configure one. */
export function requireBuckets(buckets: PipelineBuckets | undefined): PipelineBuckets {
  if (buckets) return buckets;
  throw new ProviderFailure('no S3-compatible store is configured: the operator sets SLUICE_S3_ENDPOINT (and SLUICE_S3_ACCESS_KEY_ID / SLUICE_S3_SECRET_ACCESS_KEY) for S3 actions', 'ConfigurationError');
}

/**
 * The current revision of an object of the operator's store (version id, or ETag without versioning), undefined when
 * it does not exist: what the S3 poller of the triggers watches (`startS3Poller`'s `revisionOf`).
 */
export function s3ObjectRevisions(config: PipelineBucketsConfig): (bucket: string, key: string) => Promise<string | undefined> {
  const buckets = openPipelineBuckets(config);
  return (bucket, key) => buckets.currentVersion(bucket, key).then((version) => version.revision, (error: unknown) => (error instanceof ObjectNotFoundError ? undefined : Promise.reject(error)));
}
