import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticatedPrincipal } from '../auth/authenticator';
import type { CallOrigin } from '../auth/audit-recorder';
import { originOf } from '../auth/gateway-auth';
import { AwsError, authenticationStatus } from './aws-errors';
import { asDeclaredBy } from './codepipeline-model';
import { readSignatureClaim, SigV4Error, verifySignature, type ReceivedRequest } from './sigv4';

export const AWS_JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
/** CodePipeline's target prefix: `X-Amz-Target: CodePipeline_20150709.ListPipelines`. */
export const CODEPIPELINE_TARGET_PREFIX = 'CodePipeline_20150709.';
/** Default request size limit; a pipeline definition is well below it (CodePipeline itself caps requests far lower). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The secret of an access key and who it stands for; null when the key is unknown or revoked. */
export interface AccessKeyResolver {
  resolve(accessKeyId: string): Promise<{ secretAccessKey: string; auth: AuthenticatedPrincipal } | null>;
}

/** A request that passed SigV4: who (from the key), where from, and the raw request. */
export interface AwsCall {
  operation: string;
  auth: AuthenticatedPrincipal;
  origin: CallOrigin;
  req: IncomingMessage;
}

/** One CodePipeline operation: its JSON input to its JSON output; throws `AwsError` for AWS-shaped failures. */
export type AwsOperation = (input: Record<string, unknown>, call: AwsCall) => Promise<Record<string, unknown>>;

export interface AwsEndpointOptions {
  accessKeys: AccessKeyResolver;
  operations: Readonly<Record<string, AwsOperation>>;
  /** Audits a refused authentication (bad signature, date outside the window, unknown or revoked key). */
  recordRefusal(reason: string, origin: CallOrigin): Promise<void>;
  /** The principal's rate: a refusal (ThrottlingException, 429 with Retry-After), or undefined to go on. */
  admitPrincipal?(auth: AuthenticatedPrincipal, origin: CallOrigin, req: IncomingMessage): { retryAfterSeconds: number; message: string } | undefined;
  maxBodyBytes?: number;
  now?: () => number;
  log?: (line: string) => void;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Reads the whole body, refusing (and draining) one larger than `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(header(req, 'content-length'));
  const tooLarge = () => new AwsError('RequestEntityTooLargeException', `The request body is larger than the limit of ${limit} bytes.`, 413);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function receivedRequest(req: IncomingMessage, body: Buffer): ReceivedRequest {
  const raw = req.url ?? '/';
  const queryAt = raw.indexOf('?');
  const headers: Array<[string, string]> = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  return { method: req.method ?? 'GET', path: queryAt < 0 ? raw : raw.slice(0, queryAt), query: queryAt < 0 ? '' : raw.slice(queryAt + 1), headers, body };
}

/** The operation name of `X-Amz-Target`, or the AWS error for a missing or foreign one. */
function operationOf(req: IncomingMessage, operations: Readonly<Record<string, AwsOperation>>): string {
  const target = header(req, 'x-amz-target');
  if (!target) throw new AwsError('UnknownOperationException', 'Missing X-Amz-Target header: send X-Amz-Target: CodePipeline_20150709.<Operation>.');
  const operation = target.startsWith(CODEPIPELINE_TARGET_PREFIX) ? target.slice(CODEPIPELINE_TARGET_PREFIX.length) : undefined;
  if (operation === undefined || !Object.hasOwn(operations, operation)) throw new AwsError('UnknownOperationException', `Unknown operation ${target}.`);
  return operation;
}

function inputOf(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AwsError('SerializationException', `The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new AwsError('SerializationException', 'The request body must be a JSON object.');
  return parsed as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, requestId: string, body: unknown, errorType?: string): void {
  res.writeHead(status, {
    'content-type': AWS_JSON_CONTENT_TYPE,
    'x-amzn-requestid': requestId,
    'cache-control': 'no-store',
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

/**
 * `/aws`: CodePipeline's AWS JSON 1.1 protocol (decision 0024). Order: method and size (before reading more than
 * the limit), the SigV4 signature (nothing about the request is believed before it), then target, content type and
 * JSON, then the operation. Every failure answers `{"__type", "message"}`; refused authentications are audited.
 */
export function awsEndpoint(options: AwsEndpointOptions) {
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = options.log ?? (() => undefined);

  async function authenticate(request: ReceivedRequest, origin: CallOrigin): Promise<AuthenticatedPrincipal> {
    let reason: string;
    let type: string;
    try {
      const claim = readSignatureClaim(request, { service: 'codepipeline', now: now() });
      const key = await options.accessKeys.resolve(claim.accessKeyId);
      if (!key) {
        type = 'UnrecognizedClientException';
        reason = 'The security token included in the request is invalid.';
      } else {
        verifySignature(request, claim, key.secretAccessKey);
        if (key.auth.expiresAt.getTime() > now()) return key.auth;
        type = 'UnrecognizedClientException';
        reason = 'The security token included in the request is expired.';
      }
    } catch (error) {
      if (!(error instanceof SigV4Error)) throw error;
      type = error.type;
      reason = error.message;
    }
    await options.recordRefusal(`${type}: ${reason}`, origin);
    throw new AwsError(type, reason, authenticationStatus(type));
  }

  return {
    async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
      const origin = originOf(req, new Date(now()));
      const { requestId } = origin;
      try {
        if (req.method !== 'POST') {
          req.resume();
          res.setHeader('allow', 'POST');
          throw new AwsError('UnknownOperationException', `The AWS JSON 1.1 endpoint accepts POST only, not ${req.method}.`, 405);
        }
        const body = await readBody(req, maxBodyBytes);
        const auth = await authenticate(receivedRequest(req, body), origin);
        const over = options.admitPrincipal?.(auth, origin, req);
        if (over) {
          res.setHeader('retry-after', String(over.retryAfterSeconds));
          throw new AwsError('ThrottlingException', over.message, 429);
        }
        const operation = operationOf(req, options.operations);
        const contentType = header(req, 'content-type')?.split(';')[0]?.trim().toLowerCase();
        if (contentType !== AWS_JSON_CONTENT_TYPE) {
          throw new AwsError('SerializationException', `Content-Type must be ${AWS_JSON_CONTENT_TYPE}, got '${contentType ?? ''}'.`);
        }
        const output = await options.operations[operation]!(inputOf(body), { operation, auth, origin, req }).catch((error: unknown) => {
          // Only what the operation's model declares (or every operation may answer) reaches the client.
          throw error instanceof AwsError ? asDeclaredBy(operation, error) : error;
        });
        sendJson(res, 200, requestId, output);
      } catch (error) {
        if (!(error instanceof AwsError)) {
          log(`aws: ${header(req, 'x-amz-target') ?? req.method} failed: ${error instanceof Error ? error.stack : String(error)}`);
          return sendJson(res, 500, requestId, { __type: 'InternalFailure', message: 'The request processing has failed because of an unknown error.' }, 'InternalFailure');
        }
        sendJson(res, error.status, requestId, { __type: error.type, message: error.message }, error.type);
      }
    },
  };
}
