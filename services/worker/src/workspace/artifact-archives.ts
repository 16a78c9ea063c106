import { createArchive, extractArchive, type ArchiveFormat, type ArchiveLimits, type ArtifactStore, type StoredArtifact } from '@sluice/artifact-store';
import { detectArchiveFormat } from './archive-format';

/** Output artifacts are stored as tar: no compression to pay for on every build, and the same tree gives the same address. */
export const OUTPUT_ARCHIVE_FORMAT: ArchiveFormat = 'tar';

/** Packs the tree under `directory` into the store; returns its address and size. */
export async function packDirectory(store: ArtifactStore, directory: string, format: ArchiveFormat = OUTPUT_ARCHIVE_FORMAT): Promise<StoredArtifact> {
  return store.put(createArchive(directory, format));
}

/** Extracts the archive at `sha256` (zip, tar or tar.gz, told by its first bytes) into `target`, which must not exist or be empty. */
export async function unpackArtifact(store: ArtifactStore, sha256: string, target: string, limits: Partial<ArchiveLimits> = {}): Promise<{ format: ArchiveFormat; entries: number; totalBytes: number }> {
  const format = await detectArchiveFormat(store, sha256);
  const extracted = await extractArchive(await store.get(sha256), target, { format, ...limits });
  return { format, ...extracted };
}
