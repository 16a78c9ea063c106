import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { ArchiveLimitExceededError, InvalidArchiveError, UnsafeArchiveEntryError } from '../archive-errors';
import { structureAllowance, type ArchiveLimits } from '../archive-options';
import type { EntryWriter } from '../entry-writer';

/** Cuts the inflated stream off past content + structure: a gzip bomb outside any entry stops here. */
function inflatedLimit(limits: ArchiveLimits): Transform {
  const max = limits.maxTotalBytes + structureAllowance(limits);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) return callback(new ArchiveLimitExceededError('maxTotalBytes', limits.maxTotalBytes, '(archive stream)', `more than ${max} bytes of tar`));
      callback(null, chunk);
    },
  });
}

export async function extractTar(source: Readable, gzipped: boolean, writer: EntryWriter, limits: ArchiveLimits): Promise<void> {
  const entries = extract();
  const format = gzipped ? 'tar.gz' : 'tar';
  let sourceError: unknown;
  source.once('error', (error) => (sourceError = error));
  const feeding = pipeline([source, ...(gzipped ? [createGunzip()] : []), inflatedLimit(limits), entries]);
  try {
    for await (const entry of entries) {
      // Its errors also reach this loop; without a listener streamx would throw them a second time.
      entry.on('error', () => undefined);
      const { name, type, size, mode, linkname } = entry.header;
      const segments = writer.begin(name, size ?? 0);
      switch (type) {
        case 'file':
        case 'contiguous-file':
        case undefined:
        case null:
          await writer.file(name, segments, entry as AsyncIterable<Buffer>, mode);
          break;
        case 'directory':
          await writer.directory(name, segments, mode);
          entry.resume();
          break;
        case 'symlink':
          writer.symlink(name, segments, linkname ?? '');
          entry.resume();
          break;
        case 'link':
          await writer.hardLink(name, segments, linkname ?? '');
          entry.resume();
          break;
        default:
          throw new UnsafeArchiveEntryError(name, `unsupported entry type ${type}`);
      }
    }
    await feeding;
  } catch (error) {
    entries.destroy();
    source.destroy();
    await feeding.catch(() => undefined);
    if (error === sourceError || !isFormatError(error)) throw error;
    throw new InvalidArchiveError(format, String((error as Error).message), { cause: error });
  }
}

/**
 * What zlib and tar-stream raise on bytes that are not a tar(.gz): neither ours nor a system call's.
 * Not `instanceof Error`: zlib's errors may come from another realm (a test sandbox).
 */
const isFormatError = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  !(error instanceof ArchiveLimitExceededError || error instanceof UnsafeArchiveEntryError || error instanceof InvalidArchiveError) &&
  (error as NodeJS.ErrnoException).syscall === undefined;
