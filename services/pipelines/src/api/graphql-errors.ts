import type { GraphQLErrorAnswer } from '@sluice/graphql-service';
import { InvalidCursorError } from '../projections/pipeline-read-model';

/** The pipelines service's one error of its own, before the shared domain errors: a listPipelines cursor it did not hand out. */
export function invalidCursorAnswer(error: unknown): GraphQLErrorAnswer | undefined {
  if (!(error instanceof InvalidCursorError)) return undefined;
  return { code: 'BAD_USER_INPUT', errorCode: 'INVALID_CURSOR', message: error.message, extensions: { issues: [{ path: 'after', code: 'invalid_cursor', message: error.message }] } };
}
