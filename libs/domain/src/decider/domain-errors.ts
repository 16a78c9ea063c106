/**
 * Domain errors every service shares, mapped once at each service's edge: NotFoundError to
 * NOT_FOUND, ConflictError and IllegalStateError to CONFLICT, AccessDeniedError to FORBIDDEN.
 * Bad input is a `ValidationError` (validation/), with every issue by path.
 * Each carries a stable `code` of the catalogue (error-codes.ts), which travels as `extensions.errorCode`:
 * the class says what kind of refusal, the code which one.
 */
import type { ErrorCode } from './error-codes';

/** What a NotFoundError is about (`extensions.resource` on the wire), and the code each answers with. */
const NOT_FOUND_CODES = {
  pipeline: 'PIPELINE_NOT_FOUND',
  version: 'PIPELINE_VERSION_NOT_FOUND',
  execution: 'EXECUTION_NOT_FOUND',
  stage: 'STAGE_NOT_FOUND',
  action: 'ACTION_NOT_FOUND',
  'action execution': 'ACTION_EXECUTION_NOT_FOUND',
  'custom action type': 'ACTION_TYPE_NOT_FOUND',
  job: 'JOB_NOT_FOUND',
  // No approval waits with this token: CodePipeline's word for it is an invalid token.
  'approval request': 'INVALID_APPROVAL_TOKEN',
  artifact: 'ARTIFACT_NOT_FOUND',
  account: 'ACCOUNT_NOT_FOUND',
  principal: 'PRINCIPAL_NOT_FOUND',
  user: 'USER_NOT_FOUND',
  role: 'ROLE_NOT_FOUND',
  group: 'GROUP_NOT_FOUND',
  policy: 'POLICY_NOT_FOUND',
  'access key': 'ACCESS_KEY_NOT_FOUND',
  token: 'TOKEN_NOT_FOUND',
  webhook: 'WEBHOOK_NOT_FOUND',
  secret: 'SECRET_NOT_FOUND',
  'notification rule': 'NOTIFICATION_RULE_NOT_FOUND',
} as const satisfies Record<string, ErrorCode>;

export type NotFoundResource = keyof typeof NOT_FOUND_CODES;

export const isNotFoundResource = (value: unknown): value is NotFoundResource => typeof value === 'string' && Object.hasOwn(NOT_FOUND_CODES, value);

export class NotFoundError extends Error {
  override readonly name: string = 'NotFoundError';
  constructor(
    /** What kind of thing: 'pipeline', 'execution', 'stage', 'custom action type', 'job'… */
    readonly resource: NotFoundResource,
    readonly id: string,
    message = `The ${resource} '${id}' does not exist.`,
    /** The resource's own `…_NOT_FOUND` unless the throw site knows better. */
    readonly code: ErrorCode = NOT_FOUND_CODES[resource],
  ) {
    super(message);
  }
}

/** The request contradicts what exists now: a name taken, a version someone else replaced. */
export class ConflictError extends Error {
  override readonly name: string = 'ConflictError';
  constructor(
    message: string,
    readonly code: ErrorCode = 'CONFLICT',
  ) {
    super(message);
  }
}

/** The command is well formed but the aggregate is not in a state that allows it (CodePipeline's `*NotStoppable`, `InvalidJobState`). */
export class IllegalStateError extends Error {
  override readonly name: string = 'IllegalStateError';
  constructor(
    message: string,
    readonly code: ErrorCode = 'INVALID_STATE',
  ) {
    super(message);
  }
}

/** An authorization decision said no; `principal` is who asked. */
export class AccessDeniedError extends Error {
  override readonly name: string = 'AccessDeniedError';
  readonly code: ErrorCode = 'ACCESS_DENIED';
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
  readonly code: ErrorCode = 'NOT_CONFIGURED';
  constructor(
    /** The settings that would make it work, e.g. `SLUICE_ACCESS_KEY_MASTER_KEY`. */
    readonly settings: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * It existed, and the account's retention removed it (docs/decisions/0056): answered EXPIRED with when and under which
 * period, never as "not found", so a caller can tell a wrong id from an old one.
 */
export class ExpiredError extends Error {
  override readonly name: string = 'ExpiredError';
  readonly code: ErrorCode = 'EXECUTION_EXPIRED';
  constructor(
    readonly resource: 'execution',
    readonly id: string,
    /** When retention expired it (ISO-8601). */
    readonly expiredAt: string,
    /** The account's retention period it expired under. */
    readonly retentionDays: number,
  ) {
    super(`The ${resource} '${id}' expired on ${expiredAt.slice(0, 10)} under the account's retention of ${retentionDays} days: its history and logs are no longer kept.`);
  }
}
