export * from './artifact-http-protocol';
export { ArtifactServiceError, HttpArtifactStore, openHttpArtifactStore, type HttpArtifactStoreOptions } from './http-artifact-store';
