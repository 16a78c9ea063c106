import { randomUUID } from 'node:crypto';
import { unwrapResolverError } from '@apollo/server/errors';
import { AccessDeniedError, ConflictError, ExpiredError, IllegalStateError, NotConfiguredError, NotFoundError, ResourceNameError, ValidationError, type ErrorCode } from '@sluice/domain';
import { ConcurrencyError, EventStoreInputError } from '@sluice/eventing';
import type { GraphQLFormattedError } from 'graphql';

/**
 * How an error is answered: its class as `code` (BAD_USER_INPUT, NOT_FOUND, CONFLICT…, which clients have always
 * read), its stable domain code as `errorCode` (PIPELINE_NAME_IN_USE, STALE_VERSION…; decision 0030), the message,
 * extra extensions.
 */
export interface GraphQLErrorAnswer {
  code: string;
  errorCode: ErrorCode;
  message: string;
  extensions?: Record<string, unknown>;
}

/** Recognizes an error the shared mapping does not know; undefined to pass. */
export type GraphQLErrorMapping = (error: unknown) => GraphQLErrorAnswer | undefined;

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

/** What the event store says of text it cannot store (libs/eventing validation/text-value.ts). */
const UNSTORABLE_TEXT = /must not contain NUL or unpaired surrogate characters/;

/** The domain errors every service shares (@sluice/domain, @sluice/eventing), by GraphQL code, each with its domain code. */
export function sharedErrorAnswer(error: unknown): GraphQLErrorAnswer | undefined {
  if (error instanceof ValidationError) return { code: 'BAD_USER_INPUT', errorCode: error.code, message: error.message, extensions: { issues: error.issues } };
  // Text no store can hold (NUL, an unpaired surrogate) in an id a caller gave (`acknowledgeJob(jobId: "a\u0000b")`): the caller's.
  if (error instanceof EventStoreInputError && UNSTORABLE_TEXT.test(error.message)) {
    return {
      code: 'BAD_USER_INPUT',
      errorCode: 'INVALID_INPUT',
      message: 'The input holds a NUL or an unpaired surrogate character, which cannot be stored.',
      extensions: { issues: [{ path: '$', code: 'unstorable_text', message: error.message }] },
    };
  }
  // A name that cannot be part of a resource name (`a b`, `a/b`, 101 characters): the caller's input, not a fault.
  if (error instanceof ResourceNameError) {
    return { code: 'BAD_USER_INPUT', errorCode: error.code, message: `${error.part}: ${error.problem}`, extensions: { issues: [{ path: error.part, code: 'invalid_name', message: error.problem }] } };
  }
  if (error instanceof ConflictError || error instanceof IllegalStateError) return { code: 'CONFLICT', errorCode: error.code, message: error.message };
  if (error instanceof ConcurrencyError) {
    return { code: 'CONFLICT', errorCode: 'CONCURRENT_MODIFICATION', message: 'Someone else changed this resource at the same time; read it again and retry.' };
  }
  if (error instanceof NotFoundError) return { code: 'NOT_FOUND', errorCode: error.code, message: error.message, extensions: { resource: error.resource } };
  if (error instanceof ExpiredError) {
    return { code: 'EXPIRED', errorCode: error.code, message: error.message, extensions: { resource: error.resource, expiredAt: error.expiredAt, retentionDays: error.retentionDays } };
  }
  if (error instanceof AccessDeniedError) return { code: 'FORBIDDEN', errorCode: error.code, message: error.message, extensions: { principal: error.principal } };
  if (error instanceof NotConfiguredError) return { code: 'SERVICE_UNAVAILABLE', errorCode: error.code, message: error.message, extensions: { settings: error.settings } };
  return undefined;
}

/**
 * The one place domain errors become GraphQL errors: the service's own `mappings` first, then the
 * shared ones. Anything unexpected is logged with an id and answered as INTERNAL_SERVER_ERROR with
 * that id only: no message, no stack.
 */
export function formatGraphQLError(log: (line: string) => void, mappings: readonly GraphQLErrorMapping[] = []) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const at = { ...(formatted.path ? { path: formatted.path } : {}), ...(formatted.locations ? { locations: formatted.locations } : {}) };
    const answer = [...mappings, sharedErrorAnswer].reduce<GraphQLErrorAnswer | undefined>((found, mapping) => found ?? mapping(original), undefined);
    if (answer) return { message: answer.message, ...at, extensions: { code: answer.code, errorCode: answer.errorCode, ...answer.extensions } };
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && requestErrorCodes.has(code) && original === error) {
      return { message: formatted.message, ...at, extensions: { code } };
    }
    const errorId = randomUUID();
    log(`error ${errorId}: ${original instanceof Error ? (original.stack ?? original.message) : String(original)}`);
    return { message: `Internal server error (error id ${errorId}).`, ...at, extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } };
  };
}
