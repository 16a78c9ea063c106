import { awsErrorOf } from './graphql-errors-to-aws';

describe('GraphQL error codes in CodePipeline words', () => {
  it.each([
    ['GetPipeline', { code: 'NOT_FOUND', resource: 'pipeline' }, 'PipelineNotFoundException', 400],
    ['GetPipelineExecution', { code: 'NOT_FOUND', resource: 'execution' }, 'PipelineExecutionNotFoundException', 400],
    ['PutApprovalResult', { code: 'NOT_FOUND', resource: 'stage' }, 'StageNotFoundException', 400],
    ['PutApprovalResult', { code: 'NOT_FOUND', resource: 'action' }, 'ActionNotFoundException', 400],
    ['GetJobDetails', { code: 'NOT_FOUND', resource: 'job' }, 'JobNotFoundException', 400],
    ['PutApprovalResult', { code: 'NOT_FOUND', resource: 'approval request' }, 'InvalidApprovalTokenException', 400],
    ['CreatePipeline', { code: 'CONFLICT' }, 'PipelineNameInUseException', 400],
    ['AcknowledgeJob', { code: 'CONFLICT' }, 'InvalidNonceException', 400],
    ['PutApprovalResult', { code: 'CONFLICT' }, 'ApprovalAlreadyCompletedException', 400],
    ['UpdatePipeline', { code: 'CONFLICT' }, 'ConcurrentModificationException', 400],
    ['DeletePipeline', { code: 'CONFLICT' }, 'ConcurrentModificationException', 400],
    ['CreatePipeline', { code: 'BAD_USER_INPUT' }, 'ValidationException', 400],
    ['ListPipelines', { code: 'FORBIDDEN' }, 'AccessDeniedException', 400],
    ['ListPipelines', { code: 'INTERNAL_SERVER_ERROR' }, 'InternalFailure', 500],
    ['PollForJobs', { code: 'QUERY_TOO_COMPLEX' }, 'ValidationException', 400],
    ['ListPipelines', { code: 'RATE_LIMITED' }, 'ThrottlingException', 429],
  ])('%s %j → %s', (operation, extensions, type, status) => {
    const error = awsErrorOf(operation, { message: 'what the service said', extensions });
    expect({ type: error.type, status: error.status, message: error.message }).toEqual({ type, status, message: 'what the service said' });
  });

  it('tells a bad approval token from other bad input', () => {
    expect(awsErrorOf('PutApprovalResult', { message: 'The approval token is not the one of the waiting approval', extensions: { code: 'BAD_USER_INPUT' } }).type).toBe('InvalidApprovalTokenException');
    expect(awsErrorOf('PutApprovalResult', { message: 'summary is too long', extensions: { code: 'BAD_USER_INPUT' } }).type).toBe('ValidationException');
  });
});
