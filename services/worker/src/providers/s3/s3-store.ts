import { ObjectNotFoundError, openPipelineBuckets, type PipelineBuckets, type PipelineBucketsConfig } from '@sluice/artifact-store';
import { ProviderFailure } from '../provider-failure';

/** The operator's S3-compatible store, if the job's account may use `bucket` in it; else the failure that says why. */
export function requireBuckets(buckets: PipelineBuckets | undefined, account: string | undefined, bucket: string): PipelineBuckets {
  if (buckets) {
    if (account !== undefined && buckets.mayUse(account, bucket)) return buckets;
    throw new ProviderFailure(`account ${account ?? '(none)'} may not use the bucket ${JSON.stringify(bucket)}: the operator names each account's buckets in SLUICE_S3_BUCKETS`, 'ConfigurationError');
  }
  throw new ProviderFailure('no S3-compatible store is configured: the operator sets SLUICE_S3_ENDPOINT (and SLUICE_S3_ACCESS_KEY_ID / SLUICE_S3_SECRET_ACCESS_KEY) for S3 actions', 'ConfigurationError');
}

/**
 * The current revision of an object of the operator's store (version id, or ETag without versioning), undefined when
 * it does not exist: what the S3 poller of the triggers watches (`startS3Poller`'s `revisionOf`).
 */
export function s3ObjectRevisions(config: PipelineBucketsConfig): { revisionOf: (bucket: string, key: string) => Promise<string | undefined>; mayWatch: (account: string, bucket: string) => boolean } {
  const buckets = openPipelineBuckets(config);
  return { mayWatch: (account, bucket) => buckets.mayUse(account, bucket), revisionOf: (bucket, key) => buckets.currentVersion(bucket, key).then((version) => version.revision, (error: unknown) => (error instanceof ObjectNotFoundError ? undefined : Promise.reject(error))) };
}
