export { artifactStoreContract, type ArtifactStoreContractOptions, type ContractArtifactStore } from './artifact-store.contract';
export { GeneratedBytes } from './generated-bytes';
export { readBytes, readDigest } from './read-all';
