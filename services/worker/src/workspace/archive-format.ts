import type { Readable } from 'node:stream';
import type { ArchiveFormat, ArtifactStore } from '@sluice/artifact-store';

export class UnknownArchiveFormatError extends Error {
  override readonly name = 'UnknownArchiveFormatError';
}

/** The format of the archive at `sha256`, from its first bytes: zip, gzip (taken as tar.gz) or tar. */
export async function detectArchiveFormat(store: ArtifactStore, sha256: string): Promise<ArchiveFormat> {
  const { size } = await store.stat(sha256);
  if (size === 0) throw new UnknownArchiveFormatError(`artifact ${sha256} is empty, not an archive`);
  const head = await readAll(await store.get(sha256, { range: { start: 0, end: Math.min(size, 512) - 1 } }));
  const format = archiveFormatOf(head);
  if (format === undefined) throw new UnknownArchiveFormatError(`artifact ${sha256} is neither a zip, a tar nor a tar.gz archive`);
  return format;
}

/** The format of an archive from its first 512 bytes (or all of them, when fewer): zip, gzip (taken as tar.gz) or tar. */
export function archiveFormatOf(head: Buffer): ArchiveFormat | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) && (head[3] === 0x04 || head[3] === 0x06)) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  // An empty tree makes a tar of zero blocks only, without the "ustar" magic.
  if (head.subarray(257, 262).toString('latin1') === 'ustar' || (head.length === 512 && head.every((byte) => byte === 0))) return 'tar';
  return undefined;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
