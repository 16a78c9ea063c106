// The artifacts service's public entry: what composes it into a platform.
export {
  composeArtifacts,
  createArtifactsService, loadArtifactsApi,
  type ArtifactsApplication,
  type ArtifactsParts,
  type ArtifactsService,
  type ArtifactsServiceOptions,
  type ArtifactsServiceSettings,
} from './artifacts-service';
export { artifactsSettingsFrom, loadArtifactsConfig, loadUrlSecret, openConfiguredArtifactStore, type ArtifactsConfig, type ArtifactsSettings } from './artifacts-config';
/** Its projections, for `npm run rebuild-projections`. */
export { artifactsProjections } from './projections/artifacts-read-model';
