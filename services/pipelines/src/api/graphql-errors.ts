import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { ValidationError } from '@sluice/domain';
import { ConcurrencyError } from '@sluice/eventing';
import type { GraphQLFormattedError } from 'graphql';
import { ConflictError, NotFoundError } from '../domain/errors';
import { InvalidCursorError } from '../projections/pipeline-read-model';

// Errors Apollo raises itself about the request (parse, validation, variable coercion): kept as they are.
const requestErrorCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one place domain errors become GraphQL errors. Anything unexpected is logged with an id and
 * answered as INTERNAL_SERVER_ERROR with that id only: no message, no stack.
 */
export function formatGraphQLError(log: (line: string) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const at = { ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };
    if (original instanceof ValidationError) {
      return { message: original.message, ...at, extensions: { code: 'BAD_USER_INPUT', issues: original.issues } };
    }
    if (original instanceof InvalidCursorError) {
      return {
        message: original.message,
        ...at,
        extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'after', code: 'invalid_cursor', message: original.message }] },
      };
    }
    if (original instanceof ConflictError) return { message: original.message, ...at, extensions: { code: 'CONFLICT' } };
    if (original instanceof ConcurrencyError) {
      return { message: 'Someone else changed this resource at the same time; read it again and retry.', ...at, extensions: { code: 'CONFLICT' } };
    }
    if (original instanceof NotFoundError) return { message: original.message, ...at, extensions: { code: 'NOT_FOUND', resource: original.resource } };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && requestErrorCodes.has(code) && original === error) {
      return { message: formatted.message, ...at, extensions: { code } };
    }
    const errorId = randomUUID();
    log(`error ${errorId}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
    return { message: `Internal server error (error id ${errorId}).`, ...at, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } };
  };
}
