export * from './artifact-store';
export * from './errors';
export { assertArtifactAddress, isArtifactAddress } from './address';
export { FilesystemArtifactStore, openFilesystemArtifactStore, type FilesystemArtifactStoreOptions } from './filesystem';
export { S3ArtifactStore, openS3ArtifactStore, type S3ArtifactStoreOptions, bucketAllowed, ObjectNotFoundError, openPipelineBuckets, pipelineBucketsConfigFrom, type ObjectVersion, type PipelineBuckets, type PipelineBucketsConfig } from './s3';
export * from './archive';
export * from './http';
export * from './log-chunks';
