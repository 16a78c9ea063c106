/** A tar entry written byte by byte, so tests can say what no well-behaved tar writer would. */
export interface RawTarEntry {
  name: string;
  /** ustar type flag: '0' file, '1' hard link, '2' symlink, '3' char device, '5' folder, '6' fifo. */
  type?: string;
  linkname?: string;
  data?: Buffer;
  /** The size in the header; default the data's length. */
  declaredSize?: number;
  mode?: number;
}

const octal = (value: number, digits: number): string => value.toString(8).padStart(digits, '0');

function header(entry: RawTarEntry): Buffer {
  const block = Buffer.alloc(512);
  block.write(entry.name, 0, 100, 'utf8');
  block.write(`${octal(entry.mode ?? 0o644, 7)}\0`, 100);
  block.write(`${octal(0, 7)}\0`, 108);
  block.write(`${octal(0, 7)}\0`, 116);
  block.write(`${octal(entry.declaredSize ?? entry.data?.length ?? 0, 11)}\0`, 124);
  block.write(`${octal(0, 11)}\0`, 136);
  block.write(' '.repeat(8), 148);
  block.write(entry.type ?? '0', 156);
  block.write(entry.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${octal(sum, 6)}\0 `, 148);
  return block;
}

export function rawTar(entries: RawTarEntry[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry));
    if (entry.data) parts.push(entry.data, Buffer.alloc((512 - (entry.data.length % 512)) % 512));
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
