import { ZipFile } from 'yazl';

export interface ZipEntrySpec {
  name: string;
  data?: Buffer;
  /** Full Unix mode including the type bits (0o120777 for a symlink, whose data is its target). */
  mode?: number;
  directory?: boolean;
}

/** A zip made by yazl, in memory (test archives are small). */
export async function zipBytes(entries: ZipEntrySpec[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    if (entry.directory) zip.addEmptyDirectory(entry.name);
    else zip.addBuffer(entry.data ?? Buffer.alloc(0), entry.name, entry.mode === undefined ? {} : { mode: entry.mode });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A placeholder of the same byte length for a name yazl refuses to write; one letter per index, so placeholders never overlap. */
export const placeholderFor = (name: string, index: number): string => String.fromCharCode(65 + index).repeat(Buffer.byteLength(name));

/** Replaces every occurrence of a name (local and central headers); same length, so offsets hold. */
export function renameInZip(zip: Buffer, from: string, to: string): Buffer {
  const fromBytes = Buffer.from(from);
  const toBytes = Buffer.from(to);
  if (fromBytes.length !== toBytes.length) throw new Error('renameInZip needs names of the same byte length');
  const out = Buffer.from(zip);
  for (let at = out.indexOf(fromBytes); at !== -1; at = out.indexOf(fromBytes, at + 1)) toBytes.copy(out, at);
  return out;
}

/** Rewrites a field of the central directory record of `name` (what yauzl reads). */
export function patchCentralRecord(zip: Buffer, name: string, patch: (record: Buffer) => void): Buffer {
  const out = Buffer.from(zip);
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = out.indexOf(signature); at !== -1; at = out.indexOf(signature, at + 1)) {
    const nameLength = out.readUInt16LE(at + 28);
    if (out.subarray(at + 46, at + 46 + nameLength).toString() === name) {
      patch(out.subarray(at, at + 46));
      return out;
    }
  }
  throw new Error(`no central directory record for ${name}`);
}

export const declareUncompressedSize = (zip: Buffer, name: string, size: number): Buffer =>
  patchCentralRecord(zip, name, (record) => record.writeUInt32LE(size, 24));

export const markEncrypted = (zip: Buffer, name: string): Buffer =>
  patchCentralRecord(zip, name, (record) => record.writeUInt16LE(record.readUInt16LE(8) | 0x1, 8));
