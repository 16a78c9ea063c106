export { S3ArtifactStore, openS3ArtifactStore, type S3ArtifactStoreOptions } from './s3-artifact-store';
