import { AwsError } from './aws-errors';

/** A GraphQL error as the gateway answered it. */
export interface GraphQLAnswerError {
  message: string;
  extensions?: { code?: unknown; resource?: unknown; [key: string]: unknown };
}

const NOT_FOUND_BY_RESOURCE: Readonly<Record<string, string>> = {
  pipeline: 'PipelineNotFoundException',
  execution: 'PipelineExecutionNotFoundException',
  stage: 'StageNotFoundException',
  action: 'ActionNotFoundException',
  job: 'JobNotFoundException',
  'custom action type': 'ActionTypeNotFoundException',
  version: 'PipelineVersionNotFoundException',
  // No approval waits with this token: CodePipeline's answer to a wrong or stale token.
  'approval request': 'InvalidApprovalTokenException',
};

/** A CONFLICT means what CodePipeline calls it for this operation; anything else is a concurrent change. */
const CONFLICT_BY_OPERATION: Readonly<Record<string, string>> = {
  CreatePipeline: 'PipelineNameInUseException',
  PutApprovalResult: 'ApprovalAlreadyCompletedException',
  AcknowledgeJob: 'InvalidNonceException',
  PutJobSuccessResult: 'InvalidJobStateException',
  PutJobFailureResult: 'InvalidJobStateException',
  StopPipelineExecution: 'PipelineExecutionNotStoppableException',
  RetryStageExecution: 'StageNotRetryableException',
  RollbackStage: 'UnableToRollbackStageException',
  UpdatePipeline: 'ConcurrentModificationException',
};

/**
 * The one mapping of the GraphQL API's error codes (BAD_USER_INPUT, NOT_FOUND, CONFLICT, FORBIDDEN…) to CodePipeline's
 * exception names: the rule that failed ran in the services, this only says it in AWS's words.
 */
export function awsErrorOf(operation: string, error: GraphQLAnswerError): AwsError {
  const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'INTERNAL_SERVER_ERROR';
  switch (code) {
    case 'BAD_USER_INPUT':
    case 'GRAPHQL_VALIDATION_FAILED':
      if (operation === 'PutApprovalResult' && /token/i.test(error.message)) return new AwsError('InvalidApprovalTokenException', error.message);
      return new AwsError('ValidationException', error.message);
    case 'NOT_FOUND': {
      const resource = typeof error.extensions?.resource === 'string' ? error.extensions.resource : 'pipeline';
      return new AwsError(NOT_FOUND_BY_RESOURCE[resource] ?? 'ResourceNotFoundException', error.message);
    }
    case 'CONFLICT':
      return new AwsError(CONFLICT_BY_OPERATION[operation] ?? 'ConcurrentModificationException', error.message);
    case 'QUERY_TOO_COMPLEX':
      // A page size or a list the gateway's GraphQL limits refuse (limits-config.ts): the request asked for too much.
      return new AwsError('ValidationException', error.message);
    case 'RATE_LIMITED':
      return new AwsError('ThrottlingException', error.message, 429);
    case 'FORBIDDEN':
      return new AwsError('AccessDeniedException', error.message);
    case 'UNAUTHENTICATED':
      return new AwsError('UnrecognizedClientException', error.message, 403);
    case 'SERVICE_UNAVAILABLE':
      return new AwsError('ServiceUnavailable', error.message, 503);
    default:
      return new AwsError('InternalFailure', error.message, 500);
  }
}
