import { createReadStream } from 'node:fs';
import { PassThrough, Readable, pipeline } from 'node:stream';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { ZipFile } from 'yazl';
import { validateFormat, type ArchiveFormat } from './archive-options';
import { assertSafeSymlinkTarget, entrySegments } from './entry-path';
import { walkTree, type TreeEntry } from './walk-tree';

export interface CreateArchiveOptions {
  /** Modification time written for every entry. Default a fixed date, so one tree gives one archive (and one address). */
  mtime?: Date;
}

const reproducibleMtime = new Date(2000, 0, 1);

/**
 * Streams an archive of the tree under `dir`. Refuses, before writing anything, what extraction
 * would refuse (names it cannot take, symlinks pointing out of the tree), so an output artifact
 * is always one that Sluice can extract again.
 */
export function createArchive(dir: string, format: ArchiveFormat, options: CreateArchiveOptions = {}): Readable {
  validateFormat(format);
  const mtime = options.mtime ?? reproducibleMtime;
  const output = new PassThrough();
  void (async () => {
    const entries = await walkTree(dir);
    const symlinks = new Set(entries.filter((entry) => entry.kind === 'symlink').map((entry) => entry.path));
    for (const entry of entries) {
      const segments = entrySegments(entry.path);
      if (entry.kind === 'symlink') assertSafeSymlinkTarget(entry.path, segments, entry.target, (s) => symlinks.has(s.join('/')));
    }
    const archive = format === 'zip' ? zipStream(entries, mtime) : tarStream(entries, mtime, format === 'tar.gz');
    pipeline(archive, output, () => undefined);
  })().catch((error: unknown) => output.destroy(error as Error));
  return output;
}

function zipStream(entries: TreeEntry[], mtime: Date): Readable {
  const zip = new ZipFile();
  const output = new PassThrough();
  zip.on('error', (error: Error) => output.destroy(error));
  for (const entry of entries) {
    if (entry.kind === 'directory') zip.addEmptyDirectory(entry.path, { mtime, mode: 0o040000 | entry.mode });
    else if (entry.kind === 'file') zip.addFile(entry.absolutePath, entry.path, { mtime, mode: 0o100000 | entry.mode });
    else zip.addBuffer(Buffer.from(entry.target), entry.path, { mtime, mode: 0o120777, compress: false });
  }
  zip.end();
  (zip.outputStream as Readable).pipe(output);
  return output;
}

function tarStream(entries: TreeEntry[], mtime: Date, gzip: boolean): Readable {
  const tar = pack();
  void (async () => {
    for (const entry of entries) {
      if (entry.kind === 'directory') tar.entry({ name: `${entry.path}/`, type: 'directory', mode: entry.mode, mtime });
      else if (entry.kind === 'symlink') tar.entry({ name: entry.path, type: 'symlink', linkname: entry.target, mtime });
      else {
        await new Promise<void>((resolve, reject) => {
          const sink = tar.entry({ name: entry.path, type: 'file', size: entry.size, mode: entry.mode, mtime }, (error) => (error ? reject(error) : resolve()));
          pipeline(createReadStream(entry.absolutePath), sink, (error) => error && reject(error));
        });
      }
    }
    tar.finalize();
  })().catch((error: unknown) => tar.destroy(error as Error));
  // tar-stream's streams are streamx ones; Readable.from gives Node's, with backpressure and errors.
  const stream = Readable.from(tar);
  return gzip ? pipeline(stream, createGzip(), () => undefined) : stream;
}
