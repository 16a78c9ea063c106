export { extractArchive, type ExtractedArchive } from './extract-archive';
export { createArchive, type CreateArchiveOptions } from './create-archive';
export { archiveFormats, defaultArchiveLimits, type ArchiveFormat, type ArchiveLimits, type ExtractArchiveOptions } from './archive-options';
export { ArchiveInputError, ArchiveLimitExceededError, InvalidArchiveError, UnsafeArchiveEntryError, type ArchiveLimit } from './archive-errors';
