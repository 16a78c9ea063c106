import * as codepipeline from '@aws-sdk/client-codepipeline';
import { ERROR_CODES, type ErrorCode } from '@sluice/domain';
import { awsErrorOf } from './graphql-errors-to-aws';

/** What AWS answers for any service, beside the exceptions the CodePipeline SDK names. */
const AWS_COMMON_ERRORS = ['AccessDeniedException', 'ThrottlingException', 'ServiceUnavailable', 'UnrecognizedClientException', 'InternalFailure'];

const answer = (extensions: Record<string, unknown>, message = 'what the service said') => {
  const error = awsErrorOf({ message, extensions });
  return { type: error.type, status: error.status, message: error.message };
};

describe('GraphQL errors in CodePipeline words', () => {
  it.each<[string, ErrorCode, string, number]>([
    ['NOT_FOUND', 'PIPELINE_NOT_FOUND', 'PipelineNotFoundException', 400],
    ['NOT_FOUND', 'EXECUTION_NOT_FOUND', 'PipelineExecutionNotFoundException', 400],
    ['NOT_FOUND', 'STAGE_NOT_FOUND', 'StageNotFoundException', 400],
    ['NOT_FOUND', 'ACTION_NOT_FOUND', 'ActionNotFoundException', 400],
    ['NOT_FOUND', 'JOB_NOT_FOUND', 'JobNotFoundException', 400],
    ['NOT_FOUND', 'ACTION_TYPE_NOT_FOUND', 'ActionTypeNotFoundException', 400],
    ['NOT_FOUND', 'PIPELINE_VERSION_NOT_FOUND', 'PipelineVersionNotFoundException', 400],
    ['NOT_FOUND', 'INVALID_APPROVAL_TOKEN', 'InvalidApprovalTokenException', 400],
    ['BAD_USER_INPUT', 'INVALID_APPROVAL_TOKEN', 'InvalidApprovalTokenException', 400],
    ['CONFLICT', 'PIPELINE_NAME_IN_USE', 'PipelineNameInUseException', 400],
    ['CONFLICT', 'INVALID_NONCE', 'InvalidNonceException', 400],
    ['CONFLICT', 'INVALID_JOB_STATE', 'InvalidJobStateException', 400],
    ['CONFLICT', 'APPROVAL_ALREADY_COMPLETED', 'ApprovalAlreadyCompletedException', 400],
    ['CONFLICT', 'EXECUTION_NOT_STOPPABLE', 'PipelineExecutionNotStoppableException', 400],
    ['CONFLICT', 'EXECUTION_ALREADY_STOPPING', 'DuplicatedStopRequestException', 400],
    ['CONFLICT', 'STAGE_NOT_RETRYABLE', 'StageNotRetryableException', 400],
    ['CONFLICT', 'NOT_LATEST_EXECUTION', 'NotLatestPipelineExecutionException', 400],
    ['CONFLICT', 'UNABLE_TO_ROLLBACK_STAGE', 'UnableToRollbackStageException', 400],
    ['CONFLICT', 'STALE_VERSION', 'ConcurrentModificationException', 400],
    ['CONFLICT', 'CONCURRENT_MODIFICATION', 'ConcurrentModificationException', 400],
    ['BAD_USER_INPUT', 'INVALID_INPUT', 'ValidationException', 400],
    ['BAD_USER_INPUT', 'INVALID_CURSOR', 'InvalidNextTokenException', 400],
    ['FORBIDDEN', 'ACCESS_DENIED', 'AccessDeniedException', 400],
    ['SERVICE_UNAVAILABLE', 'NOT_CONFIGURED', 'ServiceUnavailable', 503],
  ])('%s %s → %s', (code, errorCode, type, status) => {
    expect(answer({ code, errorCode })).toEqual({ type, status, message: 'what the service said' });
  });

  it('answers every code of the catalogue with an exception the AWS SDK knows', () => {
    const known = (type: string) => AWS_COMMON_ERRORS.includes(type) || (type in codepipeline && (codepipeline as Record<string, unknown>)[type] !== codepipeline.CodePipelineServiceException);
    const unknown = Object.keys(ERROR_CODES)
      .map((errorCode) => [errorCode, answer({ code: 'CONFLICT', errorCode }).type])
      .filter(([, type]) => !known(type!));
    expect(unknown).toEqual([]);
  });

  it('decides by the code alone: not by the message, not by the GraphQL class', () => {
    expect(answer({ code: 'BAD_USER_INPUT', errorCode: 'INVALID_INPUT' }, 'The approval token is not the one of the waiting approval').type).toBe('ValidationException');
    expect(answer({ code: 'BAD_USER_INPUT' }, 'the token is wrong').type).toBe('ValidationException');
    expect(answer({ code: 'CONFLICT', errorCode: 'INVALID_APPROVAL_TOKEN' }).type).toBe('InvalidApprovalTokenException');
    // `resource` was how NOT_FOUND was told apart before errorCode; it decides nothing now.
    expect(answer({ code: 'NOT_FOUND', errorCode: 'EXECUTION_NOT_FOUND', resource: 'pipeline' }).type).toBe('PipelineExecutionNotFoundException');
  });

  it.each([
    [{ code: 'BAD_USER_INPUT' }, 'ValidationException', 400],
    [{ code: 'GRAPHQL_VALIDATION_FAILED' }, 'ValidationException', 400],
    [{ code: 'QUERY_TOO_COMPLEX' }, 'ValidationException', 400],
    [{ code: 'RATE_LIMITED' }, 'ThrottlingException', 429],
    [{ code: 'FORBIDDEN' }, 'AccessDeniedException', 400],
    [{ code: 'UNAUTHENTICATED' }, 'UnrecognizedClientException', 403],
    [{ code: 'SERVICE_UNAVAILABLE' }, 'ServiceUnavailable', 503],
    [{ code: 'INTERNAL_SERVER_ERROR' }, 'InternalFailure', 500],
    [{ code: 'toString' }, 'InternalFailure', 500],
    [{}, 'InternalFailure', 500],
    // A code the catalogue does not have is no domain code: the GraphQL class answers.
    [{ code: 'NOT_FOUND', errorCode: 'NO_SUCH_CODE' }, 'ResourceNotFoundException', 400],
  ])("answers the gateway's own refusal %j, which has no domain code, by its GraphQL code: %s", (extensions, type, status) => {
    expect(answer(extensions)).toMatchObject({ type, status });
  });
});
