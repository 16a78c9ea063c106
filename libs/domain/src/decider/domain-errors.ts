/**
 * Domain errors every service shares, mapped once at each service's edge: NotFoundError to
 * NOT_FOUND, ConflictError and IllegalStateError to CONFLICT, AccessDeniedError to FORBIDDEN.
 * Bad input is a `ValidationError` (validation/), with every issue by path.
 */

export class NotFoundError extends Error {
  override readonly name: string = 'NotFoundError';
  constructor(
    /** What kind of thing: 'pipeline', 'execution', 'stage', 'action type', 'job'. */
    readonly resource: string,
    readonly id: string,
    message = `The ${resource} '${id}' does not exist.`,
  ) {
    super(message);
  }
}

/** The request contradicts what exists now: a name taken, a version someone else replaced. */
export class ConflictError extends Error {
  override readonly name: string = 'ConflictError';
  constructor(message: string) {
    super(message);
  }
}

/** The command is well formed but the aggregate is not in a state that allows it (CodePipeline's `*NotStoppable`, `InvalidJobState`). */
export class IllegalStateError extends Error {
  override readonly name: string = 'IllegalStateError';
  constructor(message: string) {
    super(message);
  }
}

/** An authorization decision said no; `principal` is who asked. */
export class AccessDeniedError extends Error {
  override readonly name: string = 'AccessDeniedError';
  constructor(
    readonly principal: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The server is not set up for what was asked (access keys without a master key): nothing the caller can change,
 * the operator sets `setting`. Answered SERVICE_UNAVAILABLE with the setting named, never as a fault of the server.
 */
export class NotConfiguredError extends Error {
  override readonly name: string = 'NotConfiguredError';
  constructor(
    /** The settings that would make it work, e.g. `SLUICE_ACCESS_KEY_MASTER_KEY`. */
    readonly settings: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
