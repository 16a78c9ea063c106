import { AccessDeniedError, ConflictError, IllegalStateError, NotConfiguredError, NotFoundError, ResourceNameError, ValidationError } from '@sluice/domain';
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
    [new ValidationError([{ path: '$.variables[0].name', code: 'unknown_variable', message: 'no such variable' }]), 'BAD_USER_INPUT'],
    [new ConflictError('taken'), 'CONFLICT'],
    [new IllegalStateError('not stoppable'), 'CONFLICT'],
    [new ConcurrencyError('execution-1', 'no_stream', 3n), 'CONFLICT'],
    [new NotFoundError('pipeline', 'web'), 'NOT_FOUND'],
    [new AccessDeniedError('alice', 'denied by policy p-1'), 'FORBIDDEN'],
    [new ResourceNameError('pipeline', 'a b', 'The pipeline name "a b" may contain only letters'), 'BAD_USER_INPUT'],
    [new EventStoreInputError('streamId', 'must not contain NUL or unpaired surrogate characters'), 'BAD_USER_INPUT'],
    [new EventStoreInputError('expectedRevision', 'must be a bigint'), 'INTERNAL_SERVER_ERROR'],
    [new NotConfiguredError(['SLUICE_ACCESS_KEY_MASTER_KEY'], 'Access keys are not set up on this server'), 'SERVICE_UNAVAILABLE'],
  ])('maps %p to %s, keeping the path', (error, code) => {
    const answer = format(...thrownInResolver(error));
    expect(answer.extensions?.code).toBe(code);
    expect(answer.path).toEqual(['startPipelineExecution']);
  });

  it('carries the issues of a ValidationError and the resource of a NotFoundError', () => {
    const issues = [{ path: '$.variables[0].name', code: 'unknown_variable', message: 'no such variable' }];
    expect(format(...thrownInResolver(new ValidationError(issues))).extensions).toEqual({ code: 'BAD_USER_INPUT', issues });
    expect(format(...thrownInResolver(new NotFoundError('pipeline', 'web'))).extensions).toEqual({ code: 'NOT_FOUND', resource: 'pipeline' });
  });

  it("applies a service's own mapping before the shared ones", () => {
    class CursorError extends Error {}
    const withCursor = formatGraphQLError(() => undefined, [(error) => (error instanceof CursorError ? { code: 'BAD_USER_INPUT', message: 'bad cursor' } : undefined)]);
    expect(withCursor(...thrownInResolver(new CursorError('x')))).toMatchObject({ message: 'bad cursor', extensions: { code: 'BAD_USER_INPUT' } });
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
