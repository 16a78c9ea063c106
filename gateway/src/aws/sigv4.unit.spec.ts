import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { expectedSignature, readSignatureClaim, verifySignature, SigV4Error, type ReceivedRequest } from './sigv4';

// The AWS Signature Version 4 test suite (docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html).
const SUITE_KEY = { id: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SUITE_NOW = Date.UTC(2015, 7, 30, 12, 36, 0);
const suiteRequest = (method: string, signature: string): ReceivedRequest => ({
  method,
  path: '/',
  query: '',
  headers: [
    ['Host', 'example.amazonaws.com'],
    ['X-Amz-Date', '20150830T123600Z'],
    ['Authorization', `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`],
  ],
  body: new Uint8Array(),
});

describe('SigV4 against the AWS test suite', () => {
  it.each([
    ['get-vanilla', 'GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'],
    ['post-vanilla', 'POST', '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
  ])('%s: computes the suite signature and accepts it', (_name, method, signature) => {
    const request = suiteRequest(method, signature);
    const claim = readSignatureClaim(request, { service: 'service', now: SUITE_NOW });
    expect(claim).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'service', signedHeaders: ['host', 'x-amz-date'], form: 'header' });
    expect(expectedSignature(request, claim, SUITE_KEY.secret)).toBe(signature);
    expect(() => verifySignature(request, claim, SUITE_KEY.secret)).not.toThrow();
  });

  it('refuses the suite request under another secret, as InvalidSignatureException', () => {
    const request = suiteRequest('GET', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    const claim = readSignatureClaim(request, { service: 'service', now: SUITE_NOW });
    expect(() => verifySignature(request, claim, `${SUITE_KEY.secret}x`)).toThrow(expect.objectContaining({ type: 'InvalidSignatureException', message: expect.stringContaining('does not match') }));
  });
});

describe('SigV4 presigned query form', () => {
  // The presigned-URL example of the Amazon S3 API reference ("Authenticating Requests: Using Query Parameters").
  const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  const SIGNED_AT = Date.UTC(2013, 4, 24, 0, 0, 0);
  const presigned = (signature: string): ReceivedRequest => ({
    method: 'GET',
    path: '/test.txt',
    query:
      'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z' +
      `&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=${signature}`,
    headers: [['Host', 'examplebucket.s3.amazonaws.com']],
    body: new Uint8Array(),
  });
  const SIGNATURE = 'aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404';

  it('computes the documented signature and accepts it within X-Amz-Expires', () => {
    const request = presigned(SIGNATURE);
    const claim = readSignatureClaim(request, { service: 's3', now: SIGNED_AT + 3_600_000 });
    expect(claim).toMatchObject({ form: 'query', accessKeyId: 'AKIAIOSFODNN7EXAMPLE', signedHeaders: ['host'] });
    expect(expectedSignature(request, claim, S3_SECRET)).toBe(SIGNATURE);
  });

  it('refuses it once X-Amz-Expires has passed', () => {
    expect(() => readSignatureClaim(presigned(SIGNATURE), { service: 's3', now: SIGNED_AT + 86_401_000 })).toThrow(/Request has expired/);
  });
});

/** Requests the real SDK sends, captured by a local server (answers an empty ListPipelines). */
async function captureSdkRequests(send: (client: (options?: { systemClockOffset?: number; secret?: string }) => CodePipelineClient) => Promise<void>): Promise<ReceivedRequest[]> {
  const captured: ReceivedRequest[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      const headers: Array<[string, string]> = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      captured.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search.slice(1), headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"pipelines":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await send(
      (options = {}) =>
        new CodePipelineClient({
          endpoint: `http://127.0.0.1:${port}/aws`,
          region: 'eu-west-3',
          credentials: { accessKeyId: 'AKIASLUICETEST000001', secretAccessKey: options.secret ?? 'test-secret/with+chars' },
          maxAttempts: 1,
          ...(options.systemClockOffset !== undefined ? { systemClockOffset: options.systemClockOffset } : {}),
        }),
    );
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return captured;
}

describe('SigV4 against requests the AWS SDK signs', () => {
  const secret = 'test-secret/with+chars';
  let sdkRequests: ReceivedRequest[];
  beforeAll(async () => {
    sdkRequests = await captureSdkRequests(async (client) => {
      await client().send(new ListPipelinesCommand({ maxResults: 5, nextToken: 'abc' }));
      await client({ systemClockOffset: -20 * 60 * 1000 }).send(new ListPipelinesCommand({}));
    });
  });

  it('accepts the SDK request with its secret, for service codepipeline in any region', () => {
    const request = sdkRequests[0]!;
    const claim = readSignatureClaim(request, { service: 'codepipeline', now: Date.now() });
    expect(claim).toMatchObject({ accessKeyId: 'AKIASLUICETEST000001', region: 'eu-west-3', service: 'codepipeline' });
    expect(() => verifySignature(request, claim, secret)).not.toThrow();
  });

  it('refuses it under a wrong secret', () => {
    const request = sdkRequests[0]!;
    const claim = readSignatureClaim(request, { service: 'codepipeline', now: Date.now() });
    expect(() => verifySignature(request, claim, 'another-secret')).toThrow(SigV4Error);
  });

  it('refuses it when the body was changed after signing (the payload hash)', () => {
    const original = sdkRequests[0]!;
    const tampered = { ...original, body: Buffer.from(Buffer.from(original.body).toString('utf8').replace('5', '6')) };
    const claim = readSignatureClaim(tampered, { service: 'codepipeline', now: Date.now() });
    expect(() => verifySignature(tampered, claim, secret)).toThrow(expect.objectContaining({ type: 'InvalidSignatureException' }));
  });

  it('refuses a declared x-amz-content-sha256 that is not the body hash', () => {
    const original = sdkRequests[0]!;
    const emptyBodyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    const lying = { ...original, headers: [...original.headers.filter(([key]) => key.toLowerCase() !== 'x-amz-content-sha256'), ['x-amz-content-sha256', emptyBodyHash] as const] };
    const claim = readSignatureClaim(lying, { service: 'codepipeline', now: Date.now() });
    expect(() => verifySignature(lying, claim, secret)).toThrow(/x-amz-content-sha256/);
  });

  it('refuses a request signed 20 minutes in the past (a replay outside the window), before any secret is needed', () => {
    expect(() => readSignatureClaim(sdkRequests[1]!, { service: 'codepipeline', now: Date.now() })).toThrow(
      expect.objectContaining({ type: 'InvalidSignatureException', message: expect.stringMatching(/^Signature expired: \d{8}T\d{6}Z is now earlier than/) }),
    );
  });

  it('refuses a request from the future beyond the window', () => {
    expect(() => readSignatureClaim(sdkRequests[0]!, { service: 'codepipeline', now: Date.now() - 16 * 60 * 1000 })).toThrow(/Signature not yet current/);
  });

  it('refuses a credential scoped to another service', () => {
    expect(() => readSignatureClaim(sdkRequests[0]!, { service: 's3', now: Date.now() })).toThrow(/scoped to correct service: 's3'/);
  });

  it('names what is missing or malformed', () => {
    const base = sdkRequests[0]!;
    const without = (name: string) => ({ ...base, headers: base.headers.filter(([key]) => key.toLowerCase() !== name) });
    const withAuthorization = (value: string) => ({ ...without('authorization'), headers: [...without('authorization').headers, ['Authorization', value] as const] });
    const now = Date.now();
    expect(() => readSignatureClaim(without('authorization'), { service: 'codepipeline', now })).toThrow(expect.objectContaining({ type: 'MissingAuthenticationTokenException' }));
    expect(() => readSignatureClaim(without('x-amz-date'), { service: 'codepipeline', now })).toThrow(expect.objectContaining({ type: 'IncompleteSignatureException', message: expect.stringContaining('X-Amz-Date') }));
    expect(() => readSignatureClaim(withAuthorization('Bearer slu_abc'), { service: 'codepipeline', now })).toThrow(/requires the 'AWS4-HMAC-SHA256' algorithm, got 'Bearer'/);
    expect(() => readSignatureClaim(withAuthorization('AWS4-HMAC-SHA256 Credential=AKIA/20200101/us-east-1/codepipeline/aws4_request'), { service: 'codepipeline', now })).toThrow(
      /requires 'SignedHeaders', 'Signature' parameters/,
    );
    expect(() => readSignatureClaim(withAuthorization('AWS4-HMAC-SHA256 Credential=AKIA/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=00'), { service: 'codepipeline', now })).toThrow(
      /exactly 5 slash-delimited elements/,
    );
  });
});
