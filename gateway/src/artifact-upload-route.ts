import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { GraphQLError } from 'graphql';
import { ARTIFACTS_PATH, JOB_ID_HEADER, MAX_BYTES_HEADER, SHA256_HEADER, UPLOAD_ABORTED_TRAILER, type ArtifactHttpError } from '@sluice/artifact-store';
import { accountResourceName, authorize, resourceForAction, type AuditResult } from '@sluice/authz';
import { ACTOR_HEADER } from './caller-headers';
import type { AuthenticatedRequest, GatewayAuth } from './auth/gateway-auth';
import { contextOf, originOf } from './auth/gateway-auth';
import type { FieldCall } from './auth/authorize-operation';
import { internalSecretHeaders } from './auth/internal-secret-headers';
import { sendTooManyRequests } from './limits/too-many-requests';
import type { HttpRoute } from './gateway-server';
import { endpointUrls, type SubgraphEndpoint } from './gateway-config';
import { currentInstance, instanceUrls, neverConnected, noteRefused, type InstanceUrls } from './subgraph-instances';

/** An upload naming a job is its output: authorized as reporting that job's result is, at the job's action type. */
export const UPLOAD_ACTION = 'sluice:PutJobSuccessResult';
/** An upload naming no job is an archive for an Upload source, authorized at the account. */
export const SOURCE_ARCHIVE_ACTION = 'sluice:UploadSourceArchive';
/** The names an upload is recorded under in the audit trail (they are no GraphQL fields). */
const UPLOAD_CALL = 'uploadArtifact';
const SOURCE_ARCHIVE_CALL = 'uploadSourceArchive';
const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

export interface ArtifactUploadRouteOptions {
  /** Base URL of the artifacts service (its `/graphql` cut off), or of each of its instances (subgraph-instances.ts). */
  artifactsUrl: InstanceUrls;
  auth: GatewayAuth;
  internalSecret: string;
  log: (line: string) => void;
}

class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: ArtifactHttpError,
  ) {
    super(body.message);
  }
}

/**
 * `PUT /artifacts/{account}` with a token, streamed to the artifacts service, which records the upload as the
 * account's claim on the bytes (decision 0038). A worker's output names its job (`x-sluice-job-id`): it is authorized
 * as that job's result is (`sluice:PutJobSuccessResult` at the job's action type, so a worker allowed only its type's
 * job actions may upload its outputs), and the job must be of the token's account. An upload naming no job is an
 * archive for an Upload source (`sluice:UploadSourceArchive` on the account): its sha256 is the revision a start
 * names. The path's account must be the token's. The body is never buffered; the uploader's abort trailer is passed on, so an upload
 * whose source failed stores nothing. Every upload is audited: the attempt before any byte moves, then the outcome.
 */
export function artifactUploadRoute(options: ArtifactUploadRouteOptions): HttpRoute {
  const prefixes = instanceUrls(options.artifactsUrl).map((url) => {
    const base = new URL(url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`the artifacts service URL must be http(s), got ${url}`);
    return `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  });
  const { auth } = options;
  return {
    prefix: ARTIFACTS_PATH,
    handle: async (req, res) => {
      const origin = originOf(req);
      res.setHeader('x-request-id', origin.requestId);
      let request: AuthenticatedRequest | undefined;
      let call: FieldCall | undefined;
      try {
        const path = new URL(req.url ?? '/', 'http://gateway').pathname;
        const segments = path.slice(ARTIFACTS_PATH.length + 1).split('/');
        if (segments.length !== 1 || segments[0] === '') {
          throw new UploadRefusal(404, { error: 'not_found', message: `no route ${req.method} ${path} on the gateway: uploads are PUT ${ARTIFACTS_PATH}/{account}; downloads use the signed links of artifactDownloadUrl` });
        }
        if (req.method !== 'PUT' && req.method !== 'POST') {
          res.setHeader('allow', 'PUT');
          throw new UploadRefusal(405, { error: 'bad_request', message: `${req.method} is not allowed on ${ARTIFACTS_PATH}/{account} at the gateway; use PUT to upload a job's output or a source archive` });
        }
        const account = accountOfPath(segments[0]!);
        const authenticated = await auth.authenticate(header(req, 'authorization'), origin, ARTIFACTS_PATH);
        if (!authenticated.ok) {
          if (authenticated.status === 401) res.setHeader('www-authenticate', 'Bearer realm="sluice"');
          throw new UploadRefusal(authenticated.status, { error: 'forbidden', field: 'headers.authorization', message: authenticated.message });
        }
        request = authenticated.request;
        const { principal, actor } = request.auth;
        // One request, whatever its size: the body is streamed to the store (SLUICE_ARTIFACT_MAX_BYTES bounds it), never parsed.
        const over = auth.admission.principal(principal, origin, ARTIFACTS_PATH, 1);
        if (over) {
          req.resume();
          return sendTooManyRequests(res, ARTIFACTS_PATH, over.retryAfterSeconds, over.message, origin.requestId);
        }
        if (account !== principal.account) {
          throw new UploadRefusal(403, { error: 'forbidden', field: 'path.account', message: `path.account: a token of account ${principal.account} uploads into ${ARTIFACTS_PATH}/${principal.account} only, not ${JSON.stringify(account)}` });
        }
        const jobId = header(req, JOB_ID_HEADER)?.trim() ?? '';
        // Naming a job: its output, authorized as reporting that job's result, at the job's action type. Naming none:
        // an archive a person uploads to start an Upload source with (its sha256 is the revision), at the account.
        const refuse = async (refused: FieldCall, status: number, body: ArtifactHttpError, outcome?: AuditResult): Promise<never> => {
          if (status === 403) refused.refusal = new GraphQLError(body.message, { extensions: { code: 'FORBIDDEN' } });
          await auth.recorder.recordCalls(principal, [refused], outcome ? new Map([[refused.responseKey, outcome]]) : new Map(), origin);
          throw new UploadRefusal(status, body);
        };
        if (jobId === '') {
          const resource = accountResourceName(account);
          const decision = authorize({ principal, action: SOURCE_ARCHIVE_ACTION, resource, context: contextOf(origin) });
          call = { responseKey: SOURCE_ARCHIVE_CALL, field: SOURCE_ARCHIVE_CALL, action: SOURCE_ARCHIVE_ACTION, resource, args: { account }, decision, readOnly: false };
          if (!decision.allowed) {
            await refuse(call, 403, { error: 'forbidden', message: `Forbidden: ${SOURCE_ARCHIVE_ACTION} on ${resource}: ${decision.explanation} (a worker uploading a job's output names the job in ${JOB_ID_HEADER})` });
          }
        } else {
          if (!JOB_ID.test(jobId)) {
            throw new UploadRefusal(400, { error: 'bad_request', field: `headers.${JOB_ID_HEADER}`, message: `headers.${JOB_ID_HEADER}: the id of the job whose output this is, got ${JSON.stringify(jobId.slice(0, 140))}` });
          }
          const actionType = await auth.actionTypeOfJob(account, jobId);
          // As for a job call naming an unknown job: rights on the account learn "not found", others are refused there.
          const resource = actionType === undefined ? accountResourceName(account) : resourceForAction(UPLOAD_ACTION, { account, actionType });
          const decision = authorize({ principal, action: UPLOAD_ACTION, resource, context: contextOf(origin) });
          call = { responseKey: UPLOAD_CALL, field: UPLOAD_CALL, action: UPLOAD_ACTION, resource, args: { account, jobId }, decision, readOnly: false };
          if (!decision.allowed) await refuse(call, 403, { error: 'forbidden', message: `Forbidden: ${UPLOAD_ACTION} on ${resource}: ${decision.explanation}` });
          if (actionType === undefined) {
            await refuse(call, 404, { error: 'not_found', field: `headers.${JOB_ID_HEADER}`, message: `Job '${jobId}' was not found.` }, { status: 'failed', errorCode: 'NOT_FOUND' });
          }
        }
        const recorded = call;
        // The record before the effect (decision 0028): no byte moves unless the attempt is in the trail.
        const attempts = await auth.recorder.recordAttempts(principal, [recorded], origin).catch((error: unknown) => {
          options.log(`gateway: the audit trail could not be written, so upload ${origin.requestId} was not run: ${error instanceof Error ? error.message : String(error)}`);
          throw new UploadRefusal(503, { error: 'internal', message: 'The audit trail cannot be written right now, so nothing was uploaded: try again later.' });
        });
        // Bytes cannot be sent twice: the instance that took the last connection gets it; one that refuses is asked last for a while.
        const prefix = currentInstance(prefixes);
        const status = await proxyUpload(req, res, new URL(`${prefix}${ARTIFACTS_PATH}/${encodeURIComponent(account)}`), {
          ...internalSecretHeaders(options.internalSecret),
          [ACTOR_HEADER]: actor,
        }, () => noteRefused(prefix));
        const result: AuditResult = status === 200 || status === 201 ? { status: 'succeeded' } : { status: 'failed', errorCode: `HTTP_${status}` };
        await auth.recorder.recordCalls(principal, [recorded], new Map([[recorded.responseKey, result]]), origin, attempts).catch((error: unknown) => {
          options.log(`gateway: the outcome of upload ${origin.requestId} could not be recorded (its attempt is): ${error instanceof Error ? error.message : String(error)}`);
        });
      } catch (error) {
        if (!(error instanceof UploadRefusal)) throw error;
        req.resume();
        if (res.headersSent) return void res.destroy();
        // A refused upload may still be arriving: close instead of reading the rest.
        const body = JSON.stringify(error.body);
        res.writeHead(error.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store', connection: 'close' }).end(body);
      }
    },
  };
}

/** The upload route for the subgraph named `artifacts` of the gateway's subgraphs (its URL without `/graphql`), if there is one. */
export function artifactUploadRouteFor(subgraphs: SubgraphEndpoint[], options: Omit<ArtifactUploadRouteOptions, 'artifactsUrl'>): HttpRoute | undefined {
  const artifacts = subgraphs.find((subgraph) => subgraph.name === 'artifacts');
  return artifacts ? artifactUploadRoute({ ...options, artifactsUrl: endpointUrls(artifacts).map((url) => url.replace(/\/graphql\/?$/, '')) }) : undefined;
}

/**
 * Streams the request body to the service and its answer back; resolves with the service's status (502 when it did
 * not answer). A body of declared length goes as it is; otherwise chunked, with the uploader's abort trailer passed on.
 */
function proxyUpload(req: IncomingMessage, res: ServerResponse, target: URL, extra: Record<string, string>, onNotConnected: () => void): Promise<number> {
  return new Promise((resolve) => {
    const headers: OutgoingHttpHeaders = { ...extra, 'content-type': 'application/octet-stream' };
    for (const name of [SHA256_HEADER, MAX_BYTES_HEADER]) {
      const value = header(req, name);
      if (value !== undefined) headers[name] = value;
    }
    const length = header(req, 'content-length');
    const chunked = length === undefined;
    if (chunked) Object.assign(headers, { 'transfer-encoding': 'chunked', trailer: UPLOAD_ABORTED_TRAILER });
    else headers['content-length'] = length;
    let settled = false;
    let answered = 0;
    const settle = (status: number) => {
      if (!settled) resolve(status);
      settled = true;
    };
    const upstream = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: 'PUT', headers }, (answer) => {
      const status = answer.statusCode ?? 502;
      answered = status;
      res.writeHead(status, { 'content-type': answer.headers['content-type'] ?? 'application/json', 'cache-control': 'no-store', ...(answer.headers.connection === 'close' ? { connection: 'close' } : {}) });
      answer.on('data', (chunk: Buffer) => {
        if (!res.write(chunk)) answer.pause();
      });
      res.on('drain', () => answer.resume());
      answer.once('end', () => {
        res.end();
        settle(status);
      });
      // The service's answer broke off (its error is that): so does ours.
      answer.on('error', () => undefined);
      answer.once('close', () => {
        if (answer.complete) return;
        res.destroy();
        settle(502);
      });
    });
    upstream.once('error', (error) => {
      if (neverConnected(error)) onNotConnected();
      req.resume();
      // The service answered already (a refusal before the whole body came): its answer goes on to the uploader.
      if (res.headersSent) return;
      const body: ArtifactHttpError = { error: 'internal', message: `the artifacts service did not answer: ${error.message}` };
      res.writeHead(502, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(body));
      settle(502);
    });
    req.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) req.pause();
    });
    upstream.on('drain', () => req.resume());
    req.once('end', () => {
      const reason = req.trailers[UPLOAD_ABORTED_TRAILER];
      if (chunked && reason !== undefined) upstream.addTrailers({ [UPLOAD_ABORTED_TRAILER]: reason });
      upstream.end();
    });
    // The uploader went away before its body ended: the service sees the cut and stores nothing.
    req.once('aborted', () => upstream.destroy(new Error('the uploader went away')));
    res.once('close', () => {
      if (!req.complete) upstream.destroy(new Error('the uploader went away'));
      settle(answered || 499);
    });
  });
}

/** The path's account, percent-decoded; a malformed escape is the uploader's mistake (400), never the gateway's. */
function accountOfPath(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new UploadRefusal(400, { error: 'bad_request', field: 'path.account', message: `path.account: ${JSON.stringify(segment.slice(0, 140))} is not a valid percent-encoded name` });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
