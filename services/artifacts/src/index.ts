export { createArtifactsApp, type ArtifactsApp, type ArtifactsAppOptions } from './artifacts-app';
export { artifactsAppSettings, loadArtifactsConfig, loadUrlSecret, openConfiguredArtifactStore, type ArtifactsConfig } from './artifacts-config';
/** Its projections, for `npm run rebuild-projections`. */
export { artifactsProjections } from './projections/artifacts-read-model';
