import { ArchiveInputError } from './archive-errors';

export const archiveFormats = ['zip', 'tar', 'tar.gz'] as const;
export type ArchiveFormat = (typeof archiveFormats)[number];

export interface ArchiveLimits {
  /** Uncompressed bytes of all entries together, counted as they are inflated. */
  maxTotalBytes: number;
  maxEntries: number;
  /** Uncompressed bytes of one entry, declared or actual. */
  maxEntryBytes: number;
}

export const defaultArchiveLimits: ArchiveLimits = {
  maxTotalBytes: 4 * 1024 ** 3,
  maxEntries: 100_000,
  maxEntryBytes: 2 * 1024 ** 3,
};

export interface ExtractArchiveOptions extends Partial<ArchiveLimits> {
  format: ArchiveFormat;
}

export function validateFormat(format: unknown): asserts format is ArchiveFormat {
  if (!archiveFormats.includes(format as ArchiveFormat)) {
    throw new ArchiveInputError('format', `expected one of ${archiveFormats.join(', ')}, got ${JSON.stringify(format)}`);
  }
}

export function archiveLimits(options: Partial<ArchiveLimits>): ArchiveLimits {
  const limits = { ...defaultArchiveLimits, ...stripUndefined(options) };
  for (const name of ['maxTotalBytes', 'maxEntries', 'maxEntryBytes'] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 0) throw new ArchiveInputError(name, `expected a non-negative integer, got ${String(value)}`);
  }
  return limits;
}

function stripUndefined(options: Partial<ArchiveLimits>): Partial<ArchiveLimits> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * Bytes of archive structure allowed on top of the content: headers, padding, long-name records.
 * Bounds the compressed zip spooled from a stream and the inflated tar stream, so trailing garbage
 * or a gzip bomb outside any entry is cut off too.
 */
export const structureAllowance = (limits: ArchiveLimits): number => limits.maxEntries * 8 * 1024 + 1024 * 1024;
