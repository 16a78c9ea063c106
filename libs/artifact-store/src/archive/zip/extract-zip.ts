import { getFileNameLowLevel, openPromise, type Entry } from 'yauzl';
import { InvalidArchiveError, UnsafeArchiveEntryError } from '../archive-errors';
import type { ArchiveLimits } from '../archive-options';
import { ArchiveLimitExceededError } from '../archive-errors';
import type { EntryWriter } from '../entry-writer';
import { readSymlinkTarget } from '../symlink-target';

const unixHost = 3;
const fileType = 0o170000;
const types = { symlink: 0o120000, directory: 0o040000, file: 0o100000 };

/** The Unix mode of an entry made on Unix, else undefined (zips from other hosts carry none). */
const unixMode = (entry: Entry): number | undefined => (entry.versionMadeBy >> 8 === unixHost ? (entry.externalFileAttributes >>> 16) & 0xffff : undefined);

export async function extractZip(path: string, writer: EntryWriter, limits: ArchiveLimits): Promise<void> {
  // yauzl's own name checks are off (decodeStrings: false) so that refusals name the entry the same
  // way for every format; sizes are counted by the writer, not taken from the headers.
  const zip = await openPromise(path, { decodeStrings: false, validateEntrySizes: false, strictFileNames: true }).catch((error: Error) => {
    throw new InvalidArchiveError('zip', error.message, { cause: error });
  });
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new ArchiveLimitExceededError('maxEntries', limits.maxEntries, '(central directory)', `the archive declares ${zip.entryCount} entries`);
    }
    for await (const entry of zip.eachEntry()) {
      const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
      const segments = writer.begin(name, entry.uncompressedSize);
      const mode = unixMode(entry);
      const type = mode === undefined || (mode & fileType) === 0 ? (name.endsWith('/') ? types.directory : types.file) : mode & fileType;
      if (type === types.directory) {
        await writer.directory(name, segments, mode);
        continue;
      }
      if (type !== types.file && type !== types.symlink) throw new UnsafeArchiveEntryError(name, `unsupported entry type (mode ${(mode ?? 0).toString(8)})`);
      if (entry.isEncrypted()) throw new UnsafeArchiveEntryError(name, 'encrypted entry');
      if (!entry.canDecodeFileData()) throw new UnsafeArchiveEntryError(name, `unsupported compression method ${entry.compressionMethod}`);
      const content = await zip.openReadStreamPromise(entry);
      if (type === types.symlink) {
        writer.symlink(name, segments, await readSymlinkTarget(name, content));
        continue;
      }
      const written = await writer.file(name, segments, content, mode);
      if (written !== entry.uncompressedSize) {
        throw new InvalidArchiveError('zip', `entry ${JSON.stringify(name)} has ${written} bytes but declares ${entry.uncompressedSize}`);
      }
    }
  } finally {
    zip.close();
  }
}
