import type { PipelineBuckets } from '@sluice/artifact-store';
import { ProviderFailure } from '../provider-failure';

/** The operator's S3-compatible store, or the failure that says how to configure one. */
export function requireBuckets(buckets: PipelineBuckets | undefined): PipelineBuckets {
  if (buckets) return buckets;
  throw new ProviderFailure('no S3-compatible store is configured: the operator sets SLUICE_S3_ENDPOINT (and SLUICE_S3_ACCESS_KEY_ID / SLUICE_S3_SECRET_ACCESS_KEY) for S3 actions', 'ConfigurationError');
}
