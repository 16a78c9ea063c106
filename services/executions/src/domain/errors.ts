/**
 * The executions service's errors are the shared domain errors (@sluice/domain), mapped once at the
 * edge. Bad input is the domain's `ValidationError`, here always with one issue at the request path.
 */
import { ValidationError, type ErrorCode } from '@sluice/domain';

export { AccessDeniedError, ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@sluice/domain';

/**
 * A `ValidationError` for one bad value of a command, e.g. `invalidInput('$.variables[1].name', …)`; `errorCode` when
 * the refusal has a meaning of its own (INVALID_APPROVAL_TOKEN, INVALID_CURSOR).
 */
export function invalidInput(path: string, message: string, code = 'invalid_input', errorCode?: ErrorCode): ValidationError {
  return new ValidationError([{ path, message, code }], message, errorCode);
}
