import { invalidInput } from '../domain/errors';

/** A long poll holds an HTTP request open: bounded well below common proxy timeouts (30-60 s). */
export const MAX_POLL_WAIT_MS = 20_000;
export const MAX_POLL_BATCH_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

function bounded(value: number, min: number, max: number, path: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw invalidInput(path, `${path.slice(2)} must be an integer from ${min} to ${max}, got ${value}.`);
  return value;
}

export const pollWaitMs = (waitMs: number | null | undefined): number => bounded(waitMs ?? 0, 0, MAX_POLL_WAIT_MS, '$.waitMs');
export const pollBatchSize = (maxBatchSize: number | null | undefined): number => bounded(maxBatchSize ?? 1, 1, MAX_POLL_BATCH_SIZE, '$.maxBatchSize');
export const pageSize = (first: number | null | undefined): number => bounded(first ?? 100, 1, MAX_PAGE_SIZE, '$.first');
