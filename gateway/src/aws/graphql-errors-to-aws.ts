import { errorCodeOf, type ErrorCode } from '@sluice/domain';
import { AwsError } from './aws-errors';

/** A GraphQL error as the gateway answered it. */
export interface GraphQLAnswerError {
  message: string;
  extensions?: { code?: unknown; errorCode?: unknown; [key: string]: unknown };
}

/**
 * Every domain error code (decision 0030) in CodePipeline's words: the exceptions of its SDK. Total, so a new code
 * does not compile without its answer. A refusal CodePipeline has no name for answers as its class does:
 * ResourceNotFoundException, ConcurrentModificationException, ValidationException.
 */
const AWS_EXCEPTION_OF_CODE: Readonly<Record<ErrorCode, string>> = {
  INVALID_INPUT: 'ValidationException',
  INVALID_RESOURCE_NAME: 'ValidationException',
  INVALID_CURSOR: 'InvalidNextTokenException',
  INVALID_APPROVAL_TOKEN: 'InvalidApprovalTokenException',
  INVALID_WEBHOOK_FILTER_PATTERN: 'InvalidWebhookFilterPatternException',
  INVALID_WEBHOOK_AUTHENTICATION_PARAMETERS: 'InvalidWebhookAuthenticationParametersException',

  PIPELINE_NOT_FOUND: 'PipelineNotFoundException',
  PIPELINE_VERSION_NOT_FOUND: 'PipelineVersionNotFoundException',
  EXECUTION_NOT_FOUND: 'PipelineExecutionNotFoundException',
  STAGE_NOT_FOUND: 'StageNotFoundException',
  ACTION_NOT_FOUND: 'ActionNotFoundException',
  ACTION_EXECUTION_NOT_FOUND: 'ActionExecutionNotFoundException',
  ACTION_TYPE_NOT_FOUND: 'ActionTypeNotFoundException',
  JOB_NOT_FOUND: 'JobNotFoundException',
  ARTIFACT_NOT_FOUND: 'ResourceNotFoundException',
  ARTIFACT_COLLECTED: 'ResourceNotFoundException',
  ACCOUNT_NOT_FOUND: 'ResourceNotFoundException',
  PRINCIPAL_NOT_FOUND: 'ResourceNotFoundException',
  USER_NOT_FOUND: 'ResourceNotFoundException',
  ROLE_NOT_FOUND: 'ResourceNotFoundException',
  GROUP_NOT_FOUND: 'ResourceNotFoundException',
  POLICY_NOT_FOUND: 'ResourceNotFoundException',
  ACCESS_KEY_NOT_FOUND: 'ResourceNotFoundException',
  TOKEN_NOT_FOUND: 'ResourceNotFoundException',
  WEBHOOK_NOT_FOUND: 'WebhookNotFoundException',
  SECRET_NOT_FOUND: 'ResourceNotFoundException',
  NOTIFICATION_RULE_NOT_FOUND: 'ResourceNotFoundException',
  // What CodePipeline answers for an execution past its 12 months; the message says it expired, when and why.
  EXECUTION_EXPIRED: 'PipelineExecutionNotFoundException',

  CONFLICT: 'ConcurrentModificationException',
  CONCURRENT_MODIFICATION: 'ConcurrentModificationException',
  STALE_VERSION: 'ConcurrentModificationException',
  PIPELINE_NAME_IN_USE: 'PipelineNameInUseException',
  ACTION_TYPE_ALREADY_EXISTS: 'ConcurrentModificationException',
  EXECUTION_ID_IN_USE: 'ConcurrentModificationException',
  ACCOUNT_ALREADY_EXISTS: 'ConcurrentModificationException',
  PRINCIPAL_NAME_IN_USE: 'ConcurrentModificationException',
  GROUP_NAME_IN_USE: 'ConcurrentModificationException',
  POLICY_NAME_IN_USE: 'ConcurrentModificationException',
  SECRET_NAME_IN_USE: 'ConflictException',

  INVALID_STATE: 'ConcurrentModificationException',
  EXECUTION_NOT_STOPPABLE: 'PipelineExecutionNotStoppableException',
  EXECUTION_ALREADY_STOPPING: 'DuplicatedStopRequestException',
  STAGE_NOT_RETRYABLE: 'StageNotRetryableException',
  CONDITION_NOT_OVERRIDABLE: 'ConditionNotOverridableException',
  NOT_LATEST_EXECUTION: 'NotLatestPipelineExecutionException',
  UNABLE_TO_ROLLBACK_STAGE: 'UnableToRollbackStageException',
  APPROVAL_ALREADY_COMPLETED: 'ApprovalAlreadyCompletedException',
  INVALID_NONCE: 'InvalidNonceException',
  INVALID_CLIENT_TOKEN: 'InvalidClientTokenException',
  INVALID_JOB_STATE: 'InvalidJobStateException',
  JOB_ALREADY_HELD: 'InvalidJobStateException',
  PRINCIPAL_KIND_MISMATCH: 'ValidationException',
  SESSION_TOO_SHORT: 'ValidationException',

  ACCESS_DENIED: 'AccessDeniedException',
  NOT_CONFIGURED: 'ServiceUnavailable',
};

/**
 * Errors without a domain code are the gateway's own refusals and GraphQL's (authentication, authorization, limits,
 * a document that does not validate): answered by their GraphQL code, which is all they have.
 */
const AWS_EXCEPTION_OF_GATEWAY_REFUSAL: ReadonlyMap<string, string> = new Map(Object.entries({
  BAD_USER_INPUT: 'ValidationException',
  GRAPHQL_VALIDATION_FAILED: 'ValidationException',
  // A page size or a list the gateway's GraphQL limits refuse (limits-config.ts): the request asked for too much.
  QUERY_TOO_COMPLEX: 'ValidationException',
  RATE_LIMITED: 'ThrottlingException',
  FORBIDDEN: 'AccessDeniedException',
  UNAUTHENTICATED: 'UnrecognizedClientException',
  SERVICE_UNAVAILABLE: 'ServiceUnavailable',
  NOT_FOUND: 'ResourceNotFoundException',
  CONFLICT: 'ConcurrentModificationException',
}));

/** AWS answers client errors 400; these with their own status. */
const STATUS_OF_EXCEPTION: Readonly<Record<string, number>> = {
  ThrottlingException: 429,
  UnrecognizedClientException: 403,
  ServiceUnavailable: 503,
  InternalFailure: 500,
};

/**
 * A GraphQL error in CodePipeline's words, by its codes only (never the operation, never the message): the domain code
 * (`extensions.errorCode`) when it has one, else the gateway's refusal code (`extensions.code`). The rule that failed
 * ran in the services or the gateway; this only says it as AWS does.
 */
export function awsErrorOf(error: GraphQLAnswerError): AwsError {
  const errorCode = errorCodeOf(error.extensions?.errorCode);
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : undefined;
  const type = errorCode ? AWS_EXCEPTION_OF_CODE[errorCode] : (AWS_EXCEPTION_OF_GATEWAY_REFUSAL.get(code ?? '') ?? 'InternalFailure');
  return new AwsError(type, error.message, STATUS_OF_EXCEPTION[type] ?? 400);
}
