import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StoredArtifact } from '../artifact-store';
import { ContentMeter } from './content-meter';

/**
 * Streams `source` into a new file at `path` while hashing it, so the address is known once the
 * bytes are safely on disk. On any failure (including `ArtifactTooLargeError`) the file is removed.
 */
export async function spoolToFile(source: Readable, path: string, options: { maxBytes?: number; fsync: boolean }): Promise<StoredArtifact> {
  const meter = new ContentMeter(options.maxBytes);
  const file = createWriteStream(path, { flags: 'wx', mode: 0o600, flush: options.fsync });
  try {
    await pipeline(source, meter, file);
  } catch (error) {
    // The pipeline rejects as soon as a stream fails, possibly before the file is even opened: wait for
    // the write stream to close, or the removal runs first and the open creates the file after it.
    if (!file.closed) await new Promise<void>((resolve) => file.once('close', () => resolve()));
    await rm(path, { force: true });
    throw error;
  }
  return { sha256: meter.sha256, size: meter.size };
}
