export { FilesystemArtifactStore, openFilesystemArtifactStore, type FilesystemArtifactStoreOptions } from './filesystem-artifact-store';
