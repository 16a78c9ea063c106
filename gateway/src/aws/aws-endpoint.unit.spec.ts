import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodePipelineClient, CodePipelineServiceException, InvalidNextTokenException, ListPipelinesCommand, ValidationException } from '@aws-sdk/client-codepipeline';
import type { AuthenticatedPrincipal } from '../auth/authenticator';
import { awsEndpoint, type AwsOperation } from './aws-endpoint';
import { decodeNextToken, encodeNextToken, maxResultsOf } from './next-token';

// The protocol and SigV4 gate of `/aws`, driven by the real AWS SDK. The operation here is a fixture over a fixed list:
// what operations do is tested end to end against the platform.
const KEY = { accessKeyId: 'AKIASLUICEUNITTEST01', secretAccessKey: 'unit/test+secret/0123456789abcdefghijABCD' };
const alice: AuthenticatedPrincipal = {
  principal: { id: 'alice', account: 'default', policies: [] },
  actor: 'alice (access key AKIASLUICEUNITTEST01)',
  expiresAt: new Date(Date.now() + 3_600_000),
};
const NAMES = Array.from({ length: 7 }, (_, i) => `pipeline-${i}`);

const listPipelines: AwsOperation = async (input, call) => {
  const from = Number(decodeNextToken('ListPipelines', input.nextToken) ?? '0');
  const size = maxResultsOf(input, { limit: 1000, default: 100 });
  const page = NAMES.slice(from, from + size);
  return {
    pipelines: page.map((name) => ({ name, version: 1 })),
    caller: call.auth.principal.id,
    ...(from + size < NAMES.length ? { nextToken: encodeNextToken('ListPipelines', String(from + size)) } : {}),
  };
};

describe('/aws endpoint: protocol and SigV4 gate', () => {
  let server: Server;
  let url: string;
  const refusals: string[] = [];
  const revoked = new Set<string>();

  beforeAll(async () => {
    const endpoint = awsEndpoint({
      accessKeys: { resolve: async (id) => (id === KEY.accessKeyId && !revoked.has(id) ? { secretAccessKey: KEY.secretAccessKey, auth: alice } : null) },
      operations: { ListPipelines: listPipelines },
      recordRefusal: async (reason) => void refusals.push(reason),
      maxBodyBytes: 4096,
    });
    server = createServer((req, res) => void endpoint.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/aws`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    refusals.length = 0;
    revoked.clear();
  });

  const client = (options: { secret?: string; accessKeyId?: string; systemClockOffset?: number } = {}) =>
    new CodePipelineClient({
      endpoint: url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: options.accessKeyId ?? KEY.accessKeyId, secretAccessKey: options.secret ?? KEY.secretAccessKey },
      ...(options.systemClockOffset !== undefined ? { systemClockOffset: options.systemClockOffset } : {}),
    });

  /** A client whose request is changed before it is signed: still a correctly signed request. */
  const clientChanging = (change: (request: { headers: Record<string, string>; body: unknown }) => void) => {
    const changed = client();
    changed.middlewareStack.add((next) => async (args) => {
      const request = args.request as { headers: Record<string, string>; body: unknown };
      change(request);
      if (typeof request.body === 'string') request.headers['content-length'] = String(Buffer.byteLength(request.body));
      return next(args);
    }, { step: 'build', name: 'changeBeforeSigning' });
    return changed;
  };

  const refusalOf = async (send: () => Promise<unknown>) => {
    const error = await send().then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof CodePipelineServiceException)) throw new Error(`expected an AWS service error, got ${String(error)}`);
    return { name: error.name, message: error.message, status: error.$metadata.httpStatusCode };
  };

  it('answers a signed request and pages with nextToken', async () => {
    const first = await client().send(new ListPipelinesCommand({ maxResults: 3 }));
    expect(first.pipelines?.map((p) => p.name)).toEqual(['pipeline-0', 'pipeline-1', 'pipeline-2']);
    expect(first.nextToken).toEqual(expect.any(String));
    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client().send(new ListPipelinesCommand({ maxResults: 3, nextToken }));
      names.push(...(page.pipelines ?? []).map((p) => p.name!));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names).toEqual(NAMES);
    expect(refusals).toEqual([]);
  });

  it('refuses a forged nextToken and an out-of-range maxResults with typed exceptions', async () => {
    await expect(client().send(new ListPipelinesCommand({ nextToken: 'not-a-token' }))).rejects.toBeInstanceOf(InvalidNextTokenException);
    const error = await client().send(new ListPipelinesCommand({ maxResults: 0 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toBe("1 validation error detected: Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  it('refuses a wrong secret, an unknown key, a revoked key and a skewed clock in AWS shape, and audits each', async () => {
    expect(await refusalOf(() => client({ secret: 'wrong' }).send(new ListPipelinesCommand({})))).toEqual({
      name: 'InvalidSignatureException',
      message: expect.stringContaining('does not match the signature you provided'),
      status: 403,
    });
    expect(await refusalOf(() => client({ accessKeyId: 'AKIAUNKNOWN000000000' }).send(new ListPipelinesCommand({})))).toEqual({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      status: 403,
    });
    revoked.add(KEY.accessKeyId);
    expect((await refusalOf(() => client().send(new ListPipelinesCommand({})))).name).toBe('UnrecognizedClientException');
    revoked.clear();
    // The SDK retries once after correcting its clock on a skew error; maxAttempts 1 keeps the stale date.
    const expired = await refusalOf(() => client({ systemClockOffset: -30 * 60 * 1000 }).send(new ListPipelinesCommand({})));
    expect(expired).toEqual({ name: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: /), status: 403 });
    expect(refusals).toHaveLength(4);
    expect(refusals[0]).toMatch(/^InvalidSignatureException: /);
    expect(refusals[3]).toMatch(/^InvalidSignatureException: Signature expired/);
  });

  it('answers malformed JSON, an unknown target and an oversize body (all correctly signed) in AWS shape', async () => {
    const malformed = await refusalOf(() => clientChanging((request) => (request.body = '{"maxResults": 3')).send(new ListPipelinesCommand({})));
    expect(malformed).toEqual({ name: 'SerializationException', message: expect.stringContaining('not valid JSON'), status: 400 });
    const unknown = await refusalOf(() => clientChanging((request) => (request.headers['x-amz-target'] = 'CodePipeline_20150709.DropEverything')).send(new ListPipelinesCommand({})));
    expect(unknown).toEqual({ name: 'UnknownOperationException', message: 'Unknown operation CodePipeline_20150709.DropEverything.', status: 400 });
    const oversize = await refusalOf(() => clientChanging((request) => (request.body = JSON.stringify({ nextToken: 'x'.repeat(5000) }))).send(new ListPipelinesCommand({})));
    expect(oversize).toMatchObject({ name: 'RequestEntityTooLargeException', status: 413 });
    expect(refusals).toEqual([]);
  });

  it('refuses an unsigned request and a GET with the AWS error body', async () => {
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodePipeline_20150709.ListPipelines' }, body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await unsigned.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: expect.stringContaining('Missing Authentication Token') });
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ __type: 'UnknownOperationException', message: expect.stringContaining('POST only') });
    expect(refusals).toEqual([expect.stringMatching(/^MissingAuthenticationTokenException/)]);
  });
});
