import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createReadStream } from 'node:fs';
import { ArtifactTooLargeError } from '../errors';
import { spoolToFile } from '../streams/spool-to-file';
import { ArchiveLimitExceededError } from './archive-errors';
import { archiveLimits, structureAllowance, validateFormat, type ExtractArchiveOptions } from './archive-options';
import { EntryWriter } from './entry-writer';
import { intoStagingFolder } from './staging';
import { extractTar } from './tar/extract-tar';
import { extractZip } from './zip/extract-zip';

export interface ExtractedArchive {
  entries: number;
  /** Uncompressed bytes written. */
  totalBytes: number;
}

/**
 * Extracts a zip, tar or tar.gz (a stream or a file path) into `targetDir`, which must not exist or be
 * empty. Refuses — with an error naming the entry — anything that would land outside the target
 * (`..`, absolute or drive paths, backslashes, symlinks and hard links pointing out), special files,
 * and archives beyond the limits, counting inflated bytes rather than trusting headers. Works in a
 * staging folder beside the target and renames it into place at the end, so a refusal leaves nothing.
 */
export async function extractArchive(source: Readable | string, targetDir: string, options: ExtractArchiveOptions): Promise<ExtractedArchive> {
  validateFormat(options.format);
  const limits = archiveLimits(options);
  // The target is prepared before the source is read: an error the source emits meanwhile must not
  // go unhandled. It is not lost — pipeline() reports a stream's stored error when it gets to it.
  if (typeof source !== 'string') source.on('error', () => undefined);
  return intoStagingFolder(targetDir, async (staging, scratch) => {
    const writer = new EntryWriter(staging, limits);
    if (options.format === 'zip') {
      await extractZip(typeof source === 'string' ? source : await spoolZip(source, join(scratch, 'archive.zip'), limits.maxTotalBytes + structureAllowance(limits)), writer, limits);
    } else {
      await extractTar(typeof source === 'string' ? createReadStream(source) : source, options.format === 'tar.gz', writer, limits);
    }
    return writer.finish();
  });
}

/** A zip's directory is at its end, so a streamed zip is first written to a file. */
async function spoolZip(source: Readable, path: string, maxBytes: number): Promise<string> {
  try {
    await spoolToFile(source, path, { maxBytes, fsync: false });
    return path;
  } catch (error) {
    if (error instanceof ArtifactTooLargeError) throw new ArchiveLimitExceededError('maxTotalBytes', maxBytes, '(archive stream)', `zip larger than ${maxBytes} bytes`);
    throw error;
  }
}
