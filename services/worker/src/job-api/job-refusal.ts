import { ConflictError, IllegalStateError, NotFoundError } from '@sluice/domain';

/** The service answered "this job is not yours": finished, cancelled, handed to another worker, or unknown. */
export function isJobRefusal(error: unknown): boolean {
  return error instanceof IllegalStateError || error instanceof ConflictError || error instanceof NotFoundError;
}
