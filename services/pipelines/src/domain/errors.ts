/**
 * The service's domain errors. Input errors are `ValidationError` (from @sluice/domain, with every
 * issue by path); these two kinds are mapped at the edge to NOT_FOUND and CONFLICT.
 */

export class NotFoundError extends Error {
  override readonly name: string = 'NotFoundError';
  constructor(
    /** What kind of thing: 'pipeline', 'stage', 'action type', 'version'. */
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

export class AlreadyExistsError extends ConflictError {
  override readonly name = 'AlreadyExistsError';
}

/** The client updated from a version that is no longer the latest: it would lose someone's update. */
export class StaleVersionError extends ConflictError {
  override readonly name = 'StaleVersionError';
  constructor(
    readonly pipelineName: string,
    readonly expectedVersion: number,
    readonly actualVersion: number,
  ) {
    super(
      `Pipeline '${pipelineName}' is at version ${actualVersion}, not ${expectedVersion}: someone updated it since you read it. ` +
        `Read it again, apply your change and update with version ${actualVersion}.`,
    );
  }
}
