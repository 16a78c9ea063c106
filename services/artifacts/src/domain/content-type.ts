/** The media type of an artifact from its first bytes (workers store archives; anything else is opaque). */
export function sniffContentType(head: Buffer): string {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) && (head[3] === 0x04 || head[3] === 0x06)) return 'application/zip';
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'application/gzip';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'application/x-tar';
  return 'application/octet-stream';
}

/** How many leading bytes `sniffContentType` looks at. */
export const CONTENT_TYPE_SNIFF_BYTES = 512;
