/**
 * The stable codes of Sluice's errors (decision 0030): what went wrong, in words that stay when a message is
 * reworded. Every domain error carries one as `code`; the GraphQL API answers it as `extensions.errorCode`, next to
 * the error's class in `extensions.code` (BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN…). `/aws`, the CLI and the
 * dashboard decide by it, never by a message. A published code keeps its meaning: add a code, do not repurpose one.
 *
 * No imports on purpose: the dashboard imports this file by its path.
 */
export const ERROR_CODES = {
  // The caller's input (BAD_USER_INPUT).
  INVALID_INPUT: 'The input is not valid; `issues` names each fault by its JSON path. Nothing was stored.',
  INVALID_RESOURCE_NAME: 'A name cannot be part of a resource name (srn:sluice:…): a character it may not hold, or too long.',
  INVALID_CURSOR: 'A page cursor (`after`, `nextToken`) that this list did not hand out.',
  INVALID_APPROVAL_TOKEN: 'No approval waits with this token: a wrong token, or one of an earlier run of the action.',
  INVALID_WEBHOOK_FILTER_PATTERN: "A webhook filter's jsonPath is not one Sluice evaluates, or its matchEquals names a property the target action lacks.",
  INVALID_WEBHOOK_AUTHENTICATION_PARAMETERS: "The webhook's authentication configuration does not fit its authentication (GITHUB_HMAC needs a SecretToken, IP an AllowedIPRange).",

  // Something that does not exist, or not in the caller's account (NOT_FOUND; `extensions.resource` says what kind).
  PIPELINE_NOT_FOUND: 'No pipeline of this name (or ARN) in the account.',
  PIPELINE_VERSION_NOT_FOUND: 'The pipeline has no such version.',
  EXECUTION_NOT_FOUND: 'No execution with this id in the pipeline.',
  STAGE_NOT_FOUND: 'The pipeline or execution has no stage of this name.',
  ACTION_NOT_FOUND: 'The stage has no action of this name.',
  ACTION_EXECUTION_NOT_FOUND: 'No action execution with this id in the account (or in the pipeline named).',
  ACTION_TYPE_NOT_FOUND: 'No custom action type with this id in the account.',
  JOB_NOT_FOUND: 'No job with this id that the caller may see.',
  ARTIFACT_NOT_FOUND: 'The execution has no artifact of this name.',
  ARTIFACT_COLLECTED: 'The artifact existed but retention collected its content.',
  ACCOUNT_NOT_FOUND: 'No account with this id.',
  PRINCIPAL_NOT_FOUND: 'No user or role with this id in the account.',
  USER_NOT_FOUND: 'No user of this name in the account.',
  ROLE_NOT_FOUND: 'No role of this name in the account.',
  GROUP_NOT_FOUND: 'No group of this name in the account.',
  POLICY_NOT_FOUND: 'The user, group or role has no policy of this name.',
  ACCESS_KEY_NOT_FOUND: 'No access key with this id in the account.',
  TOKEN_NOT_FOUND: 'No token with this id in the account.',
  WEBHOOK_NOT_FOUND: 'No webhook of this name in the account.',
  SECRET_NOT_FOUND: 'No secret of this name in the account.',
  NOTIFICATION_RULE_NOT_FOUND: 'No notification rule of this name in the account.',

  // Something that existed but is past the account's retention (EXPIRED; `extensions.expiredAt` says when).
  EXECUTION_EXPIRED: "The execution is older than the account's retention period: its history and logs are no longer kept.",

  // What exists now contradicts the request (CONFLICT).
  CONFLICT: 'The request contradicts what exists now.',
  CONCURRENT_MODIFICATION: 'Someone else changed the resource at the same moment: read it again and retry.',
  STALE_VERSION: "The update starts from a pipeline version someone else replaced: read the pipeline again and apply the change to the current version.",
  PIPELINE_NAME_IN_USE: 'The account has a pipeline of this name already.',
  SECRET_NAME_IN_USE: 'The account has a secret of this name already: put a new value to rotate it.',
  ACTION_TYPE_ALREADY_EXISTS: 'The custom action type exists, or was deleted with another definition (a deleted one is created again only with the definition it had: else use a new version).',
  EXECUTION_ID_IN_USE: 'Another execution has this id already.',
  ACCOUNT_ALREADY_EXISTS: 'An account with this id exists already.',
  PRINCIPAL_NAME_IN_USE: 'The account has a user or role of this name already.',
  GROUP_NAME_IN_USE: 'The account has a group of this name already.',
  POLICY_NAME_IN_USE: 'The user, group or role has a policy of this name already: detach it first.',

  // The resource is not in a state that allows the command (CONFLICT).
  INVALID_STATE: 'The resource is not in a state that allows this.',
  EXECUTION_NOT_STOPPABLE: 'The execution has ended; there is nothing to stop.',
  EXECUTION_ALREADY_STOPPING: 'The execution is stopping already; stop it again with abandon to abandon its running actions.',
  CONDITION_NOT_OVERRIDABLE: 'The stage condition is neither being checked nor what failed the stage (or the stage declares none): nothing to override.',
  STAGE_NOT_RETRYABLE: 'The execution or the stage did not fail or stop: there is nothing to retry.',
  NOT_LATEST_EXECUTION: 'A later execution has entered the stage since: retrying this one would run older inputs over it.',
  UNABLE_TO_ROLLBACK_STAGE: 'The stage did not succeed in the execution named as the rollback target.',
  APPROVAL_ALREADY_COMPLETED: 'The approval was answered already (or abandoned).',
  INVALID_NONCE: 'The nonce is not the one the job was handed out with: another worker holds it.',
  INVALID_CLIENT_TOKEN: "A third-party job's client token is missing, or is not the one the job was acknowledged with.",
  INVALID_JOB_STATE: 'The job is not in a state that allows this (not acknowledged yet, or its result was recorded already).',
  JOB_ALREADY_HELD: 'Another worker holds the job.',
  PRINCIPAL_KIND_MISMATCH: 'The principal is a user where a role is needed, or the other way round.',
  SESSION_TOO_SHORT: 'The calling role session expires too soon for a chained session to last the minimum duration.',

  // A refusal of the caller (FORBIDDEN) and of the server's set-up (SERVICE_UNAVAILABLE).
  ACCESS_DENIED: 'A policy does not allow the caller this; the message names the policy decision.',
  NOT_CONFIGURED: 'The server is not set up for this; `extensions.settings` names what its operator sets.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A code from the wire (`extensions.errorCode`), when it is one of the catalogue. */
export function errorCodeOf(value: unknown): ErrorCode | undefined {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value) ? (value as ErrorCode) : undefined;
}
