import { AccessDeniedError, ConflictError, ExpiredError, IllegalStateError, NotConfiguredError, NotFoundError, ResourceNameError, ValidationError } from '@sluice/domain';
import { ConcurrencyError, EventStoreInputError } from '@sluice/eventing';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { formatGraphQLError } from './graphql-errors';

// What Apollo hands formatError for an error thrown in a resolver: the formatted error and the GraphQLError wrapping it.
function thrownInResolver(error: Error): [GraphQLFormattedError, unknown] {
  const wrapped = new GraphQLError(error.message, { path: ['startPipelineExecution'], originalError: error });
  return [{ message: error.message, path: ['startPipelineExecution'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }, wrapped];
}

describe('formatGraphQLError', () => {
  const logged: string[] = [];
  const format = formatGraphQLError((line) => logged.push(line));

  it.each([
    [new ValidationError([{ path: '$.variables[0].name', code: 'unknown_variable', message: 'no such variable' }]), 'BAD_USER_INPUT', 'INVALID_INPUT'],
    [new ConflictError('taken'), 'CONFLICT', 'CONFLICT'],
    [new IllegalStateError('not stoppable'), 'CONFLICT', 'INVALID_STATE'],
    [new ConcurrencyError('execution-1', 'no_stream', 3n), 'CONFLICT', 'CONCURRENT_MODIFICATION'],
    [new NotFoundError('pipeline', 'web'), 'NOT_FOUND', 'PIPELINE_NOT_FOUND'],
    [new AccessDeniedError('alice', 'denied by policy p-1'), 'FORBIDDEN', 'ACCESS_DENIED'],
    [new ResourceNameError('pipeline', 'a b', 'The pipeline name "a b" may contain only letters'), 'BAD_USER_INPUT', 'INVALID_RESOURCE_NAME'],
    [new EventStoreInputError('streamId', 'must not contain NUL or unpaired surrogate characters'), 'BAD_USER_INPUT', 'INVALID_INPUT'],
    [new EventStoreInputError('expectedRevision', 'must be a bigint'), 'INTERNAL_SERVER_ERROR', undefined],
    [new NotConfiguredError(['SLUICE_ACCESS_KEY_MASTER_KEY'], 'Access keys are not set up on this server'), 'SERVICE_UNAVAILABLE', 'NOT_CONFIGURED'],
  ])('maps %p to %s with errorCode %s, keeping the path', (error, code, errorCode) => {
    const answer = format(...thrownInResolver(error));
    expect(answer.extensions?.code).toBe(code);
    expect(answer.extensions?.errorCode).toBe(errorCode);
    expect(answer.path).toEqual(['startPipelineExecution']);
  });

  it.each([
    [new ConflictError('A pipeline named web already exists.', 'PIPELINE_NAME_IN_USE'), 'CONFLICT', 'PIPELINE_NAME_IN_USE'],
    [new IllegalStateError('Execution e is Succeeded and cannot be stopped.', 'EXECUTION_NOT_STOPPABLE'), 'CONFLICT', 'EXECUTION_NOT_STOPPABLE'],
    [new NotFoundError('approval request', 't-1', 'No approval request has this token.'), 'NOT_FOUND', 'INVALID_APPROVAL_TOKEN'],
    [new NotFoundError('artifact', 'out', 'retention collected it', 'ARTIFACT_COLLECTED'), 'NOT_FOUND', 'ARTIFACT_COLLECTED'],
    [new ValidationError([{ path: '$.token', code: 'invalid_input', message: 'not the token' }], 'not the token', 'INVALID_APPROVAL_TOKEN'), 'BAD_USER_INPUT', 'INVALID_APPROVAL_TOKEN'],
  ])('answers the code the throw site gave: %p', (error, code, errorCode) => {
    expect(format(...thrownInResolver(error)).extensions).toMatchObject({ code, errorCode });
  });

  it('carries the issues of a ValidationError and the resource of a NotFoundError', () => {
    const issues = [{ path: '$.variables[0].name', code: 'unknown_variable', message: 'no such variable' }];
    expect(format(...thrownInResolver(new ValidationError(issues))).extensions).toEqual({ code: 'BAD_USER_INPUT', errorCode: 'INVALID_INPUT', issues });
    expect(format(...thrownInResolver(new NotFoundError('pipeline', 'web'))).extensions).toEqual({ code: 'NOT_FOUND', errorCode: 'PIPELINE_NOT_FOUND', resource: 'pipeline' });
  });

  it('answers an execution retention expired as EXPIRED with when and under which period, not as NOT_FOUND', () => {
    const answer = format(...thrownInResolver(new ExpiredError('execution', 'e-1', '2027-02-05T00:00:00.000Z', 365)));
    expect(answer.message).toBe("The execution 'e-1' expired on 2027-02-05 under the account's retention of 365 days: its history and logs are no longer kept.");
    expect(answer.extensions).toEqual({ code: 'EXPIRED', errorCode: 'EXECUTION_EXPIRED', resource: 'execution', expiredAt: '2027-02-05T00:00:00.000Z', retentionDays: 365 });
  });

  it("applies a service's own mapping before the shared ones", () => {
    class CursorError extends Error {}
    const withCursor = formatGraphQLError(() => undefined, [(error) => (error instanceof CursorError ? { code: 'BAD_USER_INPUT', errorCode: 'INVALID_CURSOR', message: 'bad cursor' } : undefined)]);
    expect(withCursor(...thrownInResolver(new CursorError('x')))).toMatchObject({ message: 'bad cursor', extensions: { code: 'BAD_USER_INPUT', errorCode: 'INVALID_CURSOR' } });
    expect(withCursor(...thrownInResolver(new NotFoundError('job', 'j'))).extensions?.code).toBe('NOT_FOUND');
  });

  it('hides an unexpected error behind an id it logs', () => {
    const answer = format(...thrownInResolver(new TypeError('secret detail')));
    expect(answer.message).not.toContain('secret');
    expect(answer.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) });
    expect(logged.some((line) => line.includes(String(answer.extensions!.errorId)) && line.includes('secret detail'))).toBe(true);
  });

  it("keeps Apollo's own request errors", () => {
    const parse = new GraphQLError('Syntax Error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(format({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } }, parse)).toEqual({ message: 'Syntax Error', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });
});
