import { UnsafeArchiveEntryError } from './archive-errors';

const maxTargetBytes = 4096;

/** A zip stores a symlink's target as the entry's content; read it, but never more than a path's worth. */
export async function readSymlinkTarget(entry: string, content: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of content) {
    size += (chunk as Buffer).length;
    if (size > maxTargetBytes) {
      throw new UnsafeArchiveEntryError(entry, `symlink target longer than ${maxTargetBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
