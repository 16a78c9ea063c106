import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { listFiles } from '../testing/list-files';
import { ArchiveInputError, ArchiveLimitExceededError, InvalidArchiveError, UnsafeArchiveEntryError } from './archive-errors';
import type { ArchiveFormat, ArchiveLimits } from './archive-options';
import { extractArchive } from './extract-archive';
import { rawTar, type RawTarEntry } from './testing/raw-tar';
import { declareUncompressedSize, markEncrypted, placeholderFor, renameInZip, zipBytes, type ZipEntrySpec } from './testing/zip-bytes';

let work: string;
let target: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'sluice-extract-'));
  target = join(work, 'out', 'tree');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

const symlinkMode = 0o120777;
const text = (value: string) => Buffer.from(value);

/** A zip holding names yazl would refuse to write: written under placeholders, renamed in the bytes. */
async function zipWithNames(entries: ZipEntrySpec[]): Promise<Buffer> {
  let zip = await zipBytes(entries.map((entry, index) => ({ ...entry, name: placeholderFor(entry.name, index) })));
  entries.forEach((entry, index) => (zip = renameInZip(zip, placeholderFor(entry.name, index), entry.name)));
  return zip;
}

async function refusal(archive: Buffer, format: ArchiveFormat, limits: Partial<ArchiveLimits> = {}): Promise<Error> {
  try {
    await extractArchive(Readable.from([archive]), target, { format, ...limits });
  } catch (error) {
    // Nothing half-extracted: no target, no staging folder, nothing anywhere in the work folder.
    expect(await readdir(join(work, 'out'))).toEqual([]);
    expect(await listFiles(work)).toEqual([]);
    return error as Error;
  }
  throw new Error('expected the archive to be refused');
}

const tarFormats = [
  ['tar', (entries: RawTarEntry[]) => rawTar(entries)],
  ['tar.gz', (entries: RawTarEntry[]) => gzipSync(rawTar(entries))],
] as const;

describe('extractArchive refuses entries escaping the target', () => {
  const names: [string, string][] = [
    ['../evil.txt', "'..' segment"],
    ['a/../../evil.txt', "'..' segment"],
    ['a/../evil.txt', "'..' segment"],
    ['/tmp/evil.txt', 'absolute path'],
    ['C:/evil.txt', 'Windows drive'],
    ['..\\evil.txt', 'backslash'],
    ['a\\..\\..\\evil.txt', 'backslash'],
    ['C:\\evil.txt', 'backslash'],
  ];

  it.each(names)('zip entry %j', async (name, reason) => {
    const error = await refusal(await zipWithNames([{ name: 'good.txt', data: text('fine') }, { name, data: text('evil') }]), 'zip');
    expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
    expect(error).toMatchObject({ entry: name });
    expect(error.message).toContain(reason);
  });

  for (const [format, make] of tarFormats) {
    it.each(names)(`${format} entry %j`, async (name, reason) => {
      const error = await refusal(make([{ name: 'good.txt', data: text('fine') }, { name, data: text('evil') }]), format);
      expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
      expect(error).toMatchObject({ entry: name });
      expect(error.message).toContain(reason);
    });
  }

  it('zip entry with a NUL in its name', async () => {
    const error = await refusal(await zipWithNames([{ name: 'evil\0.txt', data: text('x') }]), 'zip');
    expect(error).toMatchObject({ entry: 'evil\0.txt', reason: 'NUL character in the name' });
  });
});

describe('extractArchive refuses links pointing outside the target', () => {
  const symlinks: [string, string, string][] = [
    ['link', '../outside', 'points outside'],
    ['a/link', '../../outside', 'points outside'],
    ['link', '/etc/passwd', 'absolute path'],
    ['link', 'C:/Windows', 'absolute path'],
    ['link', '..\\outside', 'backslash'],
  ];

  it.each(symlinks)('zip symlink %j -> %j', async (name, linkTarget, reason) => {
    const error = await refusal(await zipBytes([{ name, data: text(linkTarget), mode: symlinkMode }]), 'zip');
    expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
    expect(error).toMatchObject({ entry: name });
    expect(error.message).toContain(reason);
  });

  it.each(symlinks)('tar symlink %j -> %j', async (name, linkTarget, reason) => {
    const error = await refusal(rawTar([{ name, type: '2', linkname: linkTarget }]), 'tar');
    expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
    expect(error).toMatchObject({ entry: name });
    expect(error.message).toContain(reason);
  });

  it('a symlink whose target goes through another symlink (b -> a/.. with a -> .)', async () => {
    const zip = await zipBytes([
      { name: 'a', data: text('.'), mode: symlinkMode },
      { name: 'b', data: text('a/..'), mode: symlinkMode },
    ]);
    const error = await refusal(zip, 'zip');
    expect(error).toMatchObject({ entry: 'b' });
    expect(error.message).toContain('goes through another symlink');
  });

  it('an entry written inside a symlinked folder', async () => {
    const error = await refusal(rawTar([{ name: 'sub/', type: '5' }, { name: 'd', type: '2', linkname: 'sub' }, { name: 'd/x.txt', data: text('x') }]), 'tar');
    expect(error).toMatchObject({ entry: 'd/x.txt' });
    expect(error.message).toContain('inside symlink d');
  });

  it('a symlink put in place of a folder that holds entries', async () => {
    const error = await refusal(rawTar([{ name: 'd/x.txt', data: text('x') }, { name: 'd', type: '2', linkname: '.' }]), 'tar');
    expect(error).toMatchObject({ entry: 'd' });
  });

  it('a second entry at the same path (file after symlink, file after file)', async () => {
    expect(await refusal(rawTar([{ name: 'x', type: '2', linkname: 'y' }, { name: 'x', data: text('1') }]), 'tar')).toMatchObject({
      entry: 'x',
      reason: 'a second entry with the same path',
    });
    expect(await refusal(await zipBytes([{ name: 'x', data: text('1') }, { name: 'x', data: text('2') }]), 'zip')).toMatchObject({
      entry: 'x',
      reason: 'a second entry with the same path',
    });
  });

  it.each([
    ['../outside', 'points outside'],
    ['/etc/passwd', 'points outside'],
    ['missing.txt', 'not a file extracted before'],
  ])('tar hard link to %j', async (linkTarget, reason) => {
    const error = await refusal(rawTar([{ name: 'good.txt', data: text('ok') }, { name: 'h', type: '1', linkname: linkTarget }]), 'tar');
    expect(error).toBeInstanceOf(UnsafeArchiveEntryError);
    expect(error).toMatchObject({ entry: 'h' });
    expect(error.message).toContain(reason);
  });

  it('tar hard link to a file extracted before it is made', async () => {
    await extractArchive(Readable.from([rawTar([{ name: 'f.txt', data: text('shared') }, { name: 'h.txt', type: '1', linkname: 'f.txt' }])]), target, {
      format: 'tar',
    });
    expect(await readFile(join(target, 'h.txt'), 'utf8')).toBe('shared');
    expect((await stat(join(target, 'h.txt'))).ino).toBe((await stat(join(target, 'f.txt'))).ino);
  });
});

describe('extractArchive refuses special files', () => {
  it.each([
    ['3', 'character-device'],
    ['4', 'block-device'],
    ['6', 'fifo'],
  ])('tar type %s (%s)', async (type, name) => {
    const error = await refusal(rawTar([{ name: 'dev', type }]), 'tar');
    expect(error).toMatchObject({ entry: 'dev', reason: `unsupported entry type ${name}` });
  });

  it('zip fifo', async () => {
    const error = await refusal(await zipBytes([{ name: 'pipe', data: text(''), mode: 0o010644 }]), 'zip');
    expect(error).toMatchObject({ entry: 'pipe', reason: 'unsupported entry type (mode 10644)' });
  });

  it('zip encrypted entry', async () => {
    const error = await refusal(markEncrypted(await zipBytes([{ name: 'secret.txt', data: text('x') }]), 'secret.txt'), 'zip');
    expect(error).toMatchObject({ entry: 'secret.txt', reason: 'encrypted entry' });
  });
});

describe('extractArchive refuses bombs', () => {
  it('zip declaring more entries than allowed, before extracting any', async () => {
    const zip = await zipBytes(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: text('x') })));
    const error = await refusal(zip, 'zip', { maxEntries: 3 });
    expect(error).toBeInstanceOf(ArchiveLimitExceededError);
    expect(error).toMatchObject({ limit: 'maxEntries', value: 3 });
    expect(error.message).toContain('declares 5 entries');
  });

  it('tar with more entries than allowed, naming the first one too many', async () => {
    const error = await refusal(rawTar(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: text('x') }))), 'tar', { maxEntries: 3 });
    expect(error).toMatchObject({ limit: 'maxEntries', entry: 'f3.txt' });
  });

  it('zip entry declaring more bytes than maxEntryBytes', async () => {
    const error = await refusal(await zipBytes([{ name: 'big.bin', data: Buffer.alloc(2 * 1024 * 1024) }]), 'zip', { maxEntryBytes: 1024 * 1024 });
    expect(error).toMatchObject({ limit: 'maxEntryBytes', entry: 'big.bin' });
    expect(error.message).toContain('declares 2097152 bytes');
  });

  it('tar entry declaring 7 GiB, refused from its header', async () => {
    const archive = rawTar([{ name: 'huge.bin', declaredSize: 7 * 1024 ** 3 }], { end: false });
    const error = await refusal(archive, 'tar', { maxEntryBytes: 1024 * 1024 });
    expect(error).toMatchObject({ limit: 'maxEntryBytes', entry: 'huge.bin' });
  });

  it('zip entry whose header lies about its size: actual inflated bytes are counted', async () => {
    const zip = declareUncompressedSize(await zipBytes([{ name: 'liar.bin', data: Buffer.alloc(8 * 1024 * 1024) }]), 'liar.bin', 100);
    expect(zip.length).toBeLessThan(64 * 1024);
    const error = await refusal(zip, 'zip', { maxEntryBytes: 1024 * 1024 });
    expect(error).toBeInstanceOf(ArchiveLimitExceededError);
    expect(error).toMatchObject({ limit: 'maxEntryBytes', entry: 'liar.bin' });
    expect(error.message).toContain('while inflating');
  });

  it('zip entries beyond maxTotalBytes, declared', async () => {
    const zip = await zipBytes(['a', 'b', 'c'].map((name) => ({ name, data: Buffer.alloc(400 * 1024) })));
    const error = await refusal(zip, 'zip', { maxTotalBytes: 1024 * 1024 });
    expect(error).toMatchObject({ limit: 'maxTotalBytes', entry: 'c' });
  });

  it('zip entries beyond maxTotalBytes, the last one lying about its size', async () => {
    const zip = declareUncompressedSize(await zipBytes(['a', 'b', 'c'].map((name) => ({ name, data: Buffer.alloc(400 * 1024) }))), 'c', 10);
    const error = await refusal(zip, 'zip', { maxTotalBytes: 1024 * 1024 });
    expect(error).toMatchObject({ limit: 'maxTotalBytes', entry: 'c' });
    expect(error.message).toContain('while inflating');
  });

  it('zip whose header under-declares a size is invalid', async () => {
    const zip = declareUncompressedSize(await zipBytes([{ name: 'short.txt', data: text('0123456789') }]), 'short.txt', 20);
    const error = await refusal(zip, 'zip');
    expect(error).toBeInstanceOf(InvalidArchiveError);
    expect(error.message).toContain('"short.txt" has 10 bytes but declares 20');
  });

  it('tar.gz inflating to far more than any entry (trailing zeros), cut off while inflating', async () => {
    const bomb = gzipSync(Buffer.concat([rawTar([{ name: 'small.txt', data: text('x') }], { end: false }), Buffer.alloc(64 * 1024 * 1024)]));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const error = await refusal(bomb, 'tar.gz', { maxTotalBytes: 1024 * 1024, maxEntries: 10 });
    expect(error).toBeInstanceOf(ArchiveLimitExceededError);
    expect(error).toMatchObject({ limit: 'maxTotalBytes', entry: '(archive stream)' });
  });

  it('tar.gz entry declaring more than maxEntryBytes', async () => {
    const bomb = gzipSync(rawTar([{ name: 'zeros.bin', data: Buffer.alloc(8 * 1024 * 1024) }]));
    const error = await refusal(bomb, 'tar.gz', { maxEntryBytes: 1024 * 1024 });
    expect(error).toMatchObject({ limit: 'maxEntryBytes', entry: 'zeros.bin' });
  });

  it('zip stream larger than the limits allow, before reading it all', async () => {
    const zip = await zipBytes([{ name: 'noise.bin', data: randomBytes(3 * 1024 * 1024) }]);
    const error = await refusal(zip, 'zip', { maxTotalBytes: 512 * 1024, maxEntries: 1 });
    expect(error).toMatchObject({ limit: 'maxTotalBytes', entry: '(archive stream)' });
  });
});

describe('extractArchive leaves nothing half-extracted', () => {
  it('a bad entry after good ones leaves no target and no staging folder', async () => {
    const zip = await zipWithNames([
      { name: 'a/one.txt', data: text('1') },
      { name: 'a/two.txt', data: text('2') },
      { name: '../escape.txt', data: text('evil') },
    ]);
    await refusal(zip, 'zip');
    expect(await readdir(work)).toEqual(['out']);
  });

  it('an empty target folder is replaced by the extracted tree', async () => {
    await mkdir(target, { recursive: true });
    await extractArchive(Readable.from([rawTar([{ name: 'x.txt', data: text('x') }])]), target, { format: 'tar' });
    expect(await readFile(join(target, 'x.txt'), 'utf8')).toBe('x');
    expect(await readdir(join(work, 'out'))).toEqual(['tree']);
  });
});

describe('extractArchive refuses bad input', () => {
  it('a target that exists and is not empty', async () => {
    await mkdir(target, { recursive: true });
    await writeFile(join(target, 'keep.txt'), 'mine');
    const error = await extractArchive(Readable.from([rawTar([])]), target, { format: 'tar' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ArchiveInputError);
    expect(error).toMatchObject({ field: 'targetDir' });
    expect(await readFile(join(target, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it.each([
    [{ format: 'rar' }, 'format'],
    [{ format: 'zip', maxEntries: -1 }, 'maxEntries'],
    [{ format: 'zip', maxTotalBytes: 1.5 }, 'maxTotalBytes'],
  ])('options %j', async (options, field) => {
    const error = await extractArchive(Readable.from([]), target, options as never).catch((e: Error) => e);
    expect(error).toBeInstanceOf(ArchiveInputError);
    expect(error).toMatchObject({ field });
  });

  it.each([['zip'], ['tar'], ['tar.gz']] as const)('bytes that are not a %s', async (format) => {
    const error = await refusal(Buffer.from('this is not an archive at all, just some text. '.repeat(20)), format);
    expect(error).toBeInstanceOf(InvalidArchiveError);
  });

  it('passes on the error of a failing source stream', async () => {
    const source = new Readable({ read() {} });
    source.push(rawTar([{ name: 'a.txt', data: text('a') }], { end: false }));
    setImmediate(() => source.destroy(new Error('upload interrupted')));
    await expect(extractArchive(source, target, { format: 'tar' })).rejects.toThrow('upload interrupted');
    expect(await readdir(join(work, 'out'))).toEqual([]);
  });

  it('reads a symlink target that is a real in-tree path', async () => {
    await extractArchive(Readable.from([rawTar([{ name: 'a.txt', data: text('a') }, { name: 'l', type: '2', linkname: 'a.txt' }])]), target, { format: 'tar' });
    expect(await readlink(join(target, 'l'))).toBe('a.txt');
  });
});
