import { createHash } from 'node:crypto';

/**
 * A UUID named by its parts (version 5's layout over SHA-256): whoever derives it from the same parts gets the same
 * id — a log chunk sent again, a rollback two engine instances both start — so the store keeps one.
 */
export function nameBasedUuid(parts: readonly unknown[]): string {
  const hex = createHash('sha256').update(JSON.stringify(parts)).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
