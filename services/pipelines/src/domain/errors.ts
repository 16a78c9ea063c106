/**
 * The service's domain errors. Input errors are `ValidationError` (from @sluice/domain, with every
 * issue by path); these two kinds are mapped at the edge to NOT_FOUND and CONFLICT.
 */

import { ConflictError } from '@sluice/domain';

export { ConflictError, NotFoundError } from '@sluice/domain';

/** The name or id is taken; its `code` says by what (PIPELINE_NAME_IN_USE, ACTION_TYPE_ALREADY_EXISTS). */
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
      'STALE_VERSION',
    );
  }
}
