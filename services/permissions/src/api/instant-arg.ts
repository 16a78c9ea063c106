import { ValidationError } from '@sluice/domain';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A DateTime argument (the shared scalar passes strings through) as a Date, or a ValidationError naming the argument. */
export function instantArg(value: unknown, path: string): Date | null {
  if (value === undefined || value === null) return null;
  const instant = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : undefined;
  if (!instant || Number.isNaN(instant.getTime())) {
    throw new ValidationError([{ path, code: 'invalid_instant', message: `${path} must be an ISO-8601 instant with a zone, e.g. 2026-01-02T03:04:05.000Z; got ${JSON.stringify(value)}.` }], 'The request is not valid');
  }
  return instant;
}
