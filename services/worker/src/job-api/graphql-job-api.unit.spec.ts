import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { AccessDeniedError, ConflictError, NotFoundError, ValidationError } from '@sluice/domain';
import { graphqlJobApi, JobApiUnavailableError } from './graphql-job-api';
import { isJobRefusal } from './job-refusal';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const answering = (response: () => Response | Promise<Response>) => graphqlJobApi({ url: 'http://jobs.test/graphql', fetch: async () => response() });
const graphqlError = (code: string, extra: Record<string, unknown> = {}) => json({ data: null, errors: [{ message: `said ${code}`, extensions: { code, ...extra } }] });

describe('graphqlJobApi error mapping', () => {
  it.each([
    ['NOT_FOUND', NotFoundError, true],
    ['CONFLICT', ConflictError, true],
    ['BAD_USER_INPUT', ValidationError, false],
    ['FORBIDDEN', AccessDeniedError, false],
    ['UNAUTHENTICATED', AccessDeniedError, false],
    ['INTERNAL_SERVER_ERROR', JobApiUnavailableError, false],
  ])('answers %s as %p (a refusal: %s)', async (code, type, refusal) => {
    const error = await answering(() => graphqlError(code)).heartbeat('job-1', 'n-1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect(isJobRefusal(error)).toBe(refusal);
  });

  it("keeps the service's error code, and the class's own when the code is not one of the catalogue", async () => {
    const stolen = await answering(() => graphqlError('CONFLICT', { errorCode: 'INVALID_NONCE' })).heartbeat('job-1', 'n-1').catch((e: unknown) => e);
    expect(stolen).toMatchObject({ code: 'INVALID_NONCE', message: 'said CONFLICT' });
    const missing = await answering(() => graphqlError('NOT_FOUND', { errorCode: 'JOB_NOT_FOUND', resource: 'job' })).acknowledgeJob('job-1', 'n').catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'JOB_NOT_FOUND', resource: 'job' });
    const newer = await answering(() => graphqlError('CONFLICT', { errorCode: 'A_CODE_FROM_A_NEWER_SERVICE' })).heartbeat('job-1', 'n-1').catch((e: unknown) => e);
    expect(newer).toMatchObject({ code: 'CONFLICT' });
    const unknownResource = await answering(() => graphqlError('NOT_FOUND', { resource: 'spaceship' })).heartbeat('job-1', 'n-1').catch((e: unknown) => e);
    expect(unknownResource).toMatchObject({ code: 'JOB_NOT_FOUND', resource: 'job' });
  });

  it('keeps the issues of BAD_USER_INPUT, with their paths', async () => {
    const issues = [{ path: 'entries[3].chunk', message: 'too long', code: 'too_long' }];
    const error = await answering(() => graphqlError('BAD_USER_INPUT', { issues })).acknowledgeJob('job-1', 'n').catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual(issues);
    expect((error as Error).message).toContain('entries[3].chunk');
  });

  it('treats a network failure, an HTTP 502 without JSON and a timeout as retryable', async () => {
    const refused = await answering(() => Promise.reject(new TypeError('fetch failed'))).heartbeat('j', 'n').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobApiUnavailableError);
    const badGateway = await answering(() => new Response('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }))
      .heartbeat('j', 'n')
      .catch((e: unknown) => e);
    expect(badGateway).toBeInstanceOf(JobApiUnavailableError);
    expect((badGateway as Error).message).toContain('HTTP 502');
    const slow = graphqlJobApi({
      url: 'http://jobs.test/graphql',
      timeoutMs: 50,
      fetch: (_url, init) => new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason))),
    });
    const started = Date.now();
    expect(await slow.heartbeat('j', 'n').catch((e: unknown) => e)).toBeInstanceOf(JobApiUnavailableError);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(isJobRefusal(refused) || isJobRefusal(badGateway)).toBe(false);
  });

  it('returns no jobs when the poll is aborted, and maps the answer to the worker shape', async () => {
    const abort = new AbortController();
    const api = graphqlJobApi({
      url: 'http://jobs.test/graphql',
      fetch: (_url, init) => new Promise((_, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason))),
    });
    const polling = api.pollForJobs({ category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, 1, { waitMs: 10_000, signal: abort.signal });
    abort.abort();
    expect(await polling).toEqual([]);

    const data = { pipelineName: 'web', pipelineExecutionId: 'exec-1', stageName: 'Build', actionName: 'Compile', outputArtifacts: [] };
    const sent: unknown[] = [];
    const polled = await graphqlJobApi({
      url: 'http://jobs.test/graphql',
      headers: { authorization: 'Bearer t' },
      fetch: async (url, init) => {
        sent.push({ url, authorization: (init!.headers as Record<string, string>).authorization, variables: JSON.parse(String(init!.body)).variables });
        return json({ data: { pollForJobs: [{ id: 'job-1', nonce: 'n-1', accountId: 'acme', data }] } });
      },
    }).pollForJobs({ category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, 2, { waitMs: 100 });
    expect(sent).toEqual([{ url: 'http://jobs.test/graphql', authorization: 'Bearer t', variables: expect.objectContaining({ maxBatchSize: 2, waitMs: 100 }) }]);
    expect(polled[0]).toMatchObject({ id: 'job-1', nonce: 'n-1', data: { executionId: 'exec-1', pipeline: { account: 'acme', name: 'web' }, actionName: 'Compile' } });
  });
});

describe('graphqlJobApi and traces', () => {
  const provider = new NodeTracerProvider();
  beforeAll(() => provider.register());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('sends the active span’s traceparent (the job’s, while it reports), so the engine’s next steps stay in the execution’s trace', async () => {
    const sent: Array<Record<string, string>> = [];
    const api = graphqlJobApi({ url: 'http://jobs.test/graphql', headers: { authorization: 'Bearer t' }, fetch: async (_url, init) => (sent.push(init!.headers as Record<string, string>), json({ data: { heartbeat: { leaseExpiresAt: 'x' } } })) });
    const job = await trace.getTracer('test').startActiveSpan('job Build/Sluice/Commands/1', async (span) => {
      await api.heartbeat('job-1', 'n-1');
      span.end();
      return span.spanContext();
    });
    await api.heartbeat('job-1', 'n-1');
    expect(sent[0]).toEqual({ 'content-type': 'application/json', authorization: 'Bearer t', traceparent: `00-${job.traceId}-${job.spanId}-01` });
    expect(sent[1]).toEqual({ 'content-type': 'application/json', authorization: 'Bearer t' });
  });
});
