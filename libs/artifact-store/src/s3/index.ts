export { S3ArtifactStore, openS3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store';
export { bucketAllowed, ObjectNotFoundError, openPipelineBuckets, pipelineBucketsConfigFrom, type ObjectVersion, type PipelineBuckets, type PipelineBucketsConfig } from './pipeline-buckets';
