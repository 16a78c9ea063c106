import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import {
  ArtifactNotFoundError,
  ArtifactStoreInputError,
  ArtifactTooLargeError,
  ChecksumMismatchError,
  ARTIFACTS_PATH,
  MAX_BYTES_HEADER,
  RangeNotSatisfiableError,
  SHA256_HEADER,
  SIZE_HEADER,
  UPLOAD_ABORTED_TRAILER,
  isArtifactAddress,
  isDownloadPath,
  type ArtifactHttpError,
  type ByteRange,
} from '@sluice/artifact-store';
import { accountIdProblem } from '@sluice/domain';
import { ACTOR_HEADER, internalSecretProblem } from '@sluice/graphql-service/caller';
import type { ArtifactBytes, Clock } from '../application/artifact-bytes';
import { DownloadTokenError, verifyDownloadToken } from '../domain/download-token';

export interface ArtifactHttpRoutesOptions {
  bytes: ArtifactBytes;
  /** Signs and checks download tokens. */
  urlSecret: Buffer;
  /** What the byte routes (but a signed download link) must be sent in `x-sluice-internal-secret`. */
  internalSecret: string;
  clock: Clock;
  log: (line: string) => void;
}

/** A plain Node handler for the byte routes (see `artifact-http-protocol.ts`); answers false for paths it does not serve. */
export type ArtifactHttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly body: ArtifactHttpError,
  ) {
    super(body.message);
  }
}

const badRequest = (field: string, message: string) => new HttpProblem(400, { error: 'bad_request', field, message: `${field}: ${message}` });

export function artifactHttpRoutes(options: ArtifactHttpRoutesOptions): ArtifactHttpHandler {
  const { bytes } = options;
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== ARTIFACTS_PATH && !path.startsWith(`${ARTIFACTS_PATH}/`)) return false;
    const segments = path.slice(ARTIFACTS_PATH.length + 1).split('/');
    try {
      if (isDownloadPath(path)) {
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpProblem(405, { error: 'bad_request', message: `${req.method} is not allowed on a download link; use GET` });
        await serveDownload(req, res, segments[1]!, options);
        return true;
      }
      // The byte routes are internal like the subgraph (workers send the secret); a download link carries its own grant.
      const refused = internalSecretProblem(req.headers, options.internalSecret);
      if (refused !== undefined) throw new HttpProblem(401, { error: 'forbidden', field: 'headers.x-sluice-internal-secret', message: refused });
      const [account, sha256, ...rest] = segments;
      if (account === undefined || account === '' || rest.length > 0) throw new HttpProblem(404, { error: 'not_found', message: `no route ${req.method} ${path}; see PUT /artifacts/{account}, GET /artifacts/{account}/{sha256}` });
      const accountProblem = accountIdProblem(account);
      if (accountProblem) throw badRequest('path.account', accountProblem);
      const caller = { account, actor: headerOf(req, ACTOR_HEADER) ?? 'anonymous' };
      if (sha256 === undefined || sha256 === '') {
        if (req.method === 'PUT' || req.method === 'POST') {
          await upload(req, res, caller, options);
          return true;
        }
        if (req.method === 'GET') {
          sendJson(res, 200, { artifacts: await bytes.readableBy(account) });
          return true;
        }
        throw new HttpProblem(405, { error: 'bad_request', message: `${req.method} is not allowed on /artifacts/{account}; use PUT to upload, GET to list` });
      }
      if (!isArtifactAddress(sha256)) throw badRequest('path.sha256', `expected 64 lowercase hex characters (a sha256), got ${JSON.stringify(sha256)}`);
      switch (req.method) {
        case 'GET':
        case 'HEAD':
          await serveBytes(req, res, account, sha256, null, options);
          return true;
        case 'DELETE':
          await bytes.release(caller, sha256);
          res.writeHead(204).end();
          return true;
        default:
          throw new HttpProblem(405, { error: 'bad_request', message: `${req.method} is not allowed on /artifacts/{account}/{sha256}; use GET, HEAD or DELETE` });
      }
    } catch (error) {
      answerError(req, res, error, options.log);
      return true;
    }
  };
}

async function upload(req: IncomingMessage, res: ServerResponse, caller: { account: string; actor: string }, options: ArtifactHttpRoutesOptions): Promise<void> {
  const expectedSha256 = headerOf(req, SHA256_HEADER);
  if (expectedSha256 !== undefined && !isArtifactAddress(expectedSha256)) {
    throw badRequest(`headers.${SHA256_HEADER}`, `expected 64 lowercase hex characters (a sha256), got ${JSON.stringify(expectedSha256)}`);
  }
  const askedMax = headerOf(req, MAX_BYTES_HEADER);
  if (askedMax !== undefined && !/^\d{1,16}$/.test(askedMax)) throw badRequest(`headers.${MAX_BYTES_HEADER}`, `expected a number of bytes, got ${JSON.stringify(askedMax)}`);
  const maxBytes = Math.min(askedMax === undefined ? Number.POSITIVE_INFINITY : Number(askedMax), options.bytes.maxUploadBytes);
  const declared = headerOf(req, 'content-length');
  if (declared !== undefined && Number(declared) > maxBytes) {
    throw new HttpProblem(413, { error: 'too_large', field: 'headers.content-length', maxBytes, message: `headers.content-length: ${declared} bytes is more than the limit of ${maxBytes} bytes` });
  }
  const stored = await options.bytes.upload(caller, abortableBody(req), { ...(expectedSha256 ? { expectedSha256 } : {}), maxBytes });
  sendJson(res, 201, stored);
}

/** The request body, failing at its end when the uploader's trailer says its source failed: the store then keeps nothing. */
function abortableBody(req: IncomingMessage): Readable {
  const body = new Transform({
    // Room for a few socket reads: the default 16 KiB pauses the request at every 64 KiB chunk.
    highWaterMark: 1024 * 1024,
    transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
    flush(callback) {
      const reason = req.trailers[UPLOAD_ABORTED_TRAILER];
      callback(reason === undefined ? null : new HttpProblem(400, { error: 'upload_aborted', field: `trailers.${UPLOAD_ABORTED_TRAILER}`, message: `the uploader aborted: ${reason}; nothing was stored` }));
    },
  });
  req.once('error', (error) => body.destroy(error));
  req.once('aborted', () => body.destroy(new Error('the uploader went away')));
  return req.pipe(body);
}

async function serveDownload(req: IncomingMessage, res: ServerResponse, token: string, options: ArtifactHttpRoutesOptions): Promise<void> {
  const grant = verifyDownloadToken(token, options.urlSecret, options.clock());
  const safeName = grant.fileName.replace(/[^\w.-]+/g, '_');
  await serveBytes(req, res, grant.account, grant.sha256, `attachment; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(grant.fileName)}`, options);
}

/**
 * A full GET is verified while it streams and sent chunked: when the stored bytes turn out corrupt at
 * the end, the response stops without its final chunk, so a browser marks the download failed and a
 * client never takes a wrong file for a complete one. Ranges are served as stored (unverifiable).
 */
async function serveBytes(req: IncomingMessage, res: ServerResponse, account: string, sha256: string, disposition: string | null, options: ArtifactHttpRoutesOptions): Promise<void> {
  const { size, contentType } = await options.bytes.describe(account, sha256);
  const headers: Record<string, string> = { 'content-type': contentType, [SHA256_HEADER]: sha256, [SIZE_HEADER]: String(size), 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=0' };
  if (disposition) headers['content-disposition'] = disposition;
  if (req.method === 'HEAD') return void res.writeHead(200, { ...headers, 'content-length': String(size) }).end();
  const range = parseRange(headerOf(req, 'range'));
  if (range) {
    const stream = await options.bytes.download(account, sha256, { range });
    const end = Math.min(range.end ?? size - 1, size - 1);
    res.writeHead(206, { ...headers, 'content-range': `bytes ${range.start}-${end}/${size}`, 'content-length': String(end - range.start + 1) });
    return pump(stream, res, () => res.destroy());
  }
  const stream = await options.bytes.download(account, sha256);
  res.writeHead(200, { ...headers, 'transfer-encoding': 'chunked' });
  await pump(stream, res, (error) => {
    options.log(`artifacts: GET ${sha256} (account ${account}) stopped: ${error.message}`);
    // End the connection without the final chunk: the body is visibly incomplete.
    res.socket?.end();
  });
}

/** Copies with backpressure; on a source error calls `onError` instead of ending the response. */
function pump(source: Readable, res: ServerResponse, onError: (error: Error) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      source.off('data', onData);
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      if (!res.write(chunk)) source.pause();
    };
    const onDrain = () => source.resume();
    const onClose = () => {
      // The client went away: stop reading the store.
      source.destroy();
      done();
    };
    source.on('data', onData);
    res.on('drain', onDrain);
    res.once('close', onClose);
    source.once('end', () => {
      res.end();
      done();
    });
    source.once('error', (error) => {
      onError(error);
      done();
    });
  });
}

function parseRange(value: string | undefined): ByteRange | null {
  if (value === undefined) return null;
  const match = /^bytes=(\d+)-(\d*)$/.exec(value.trim());
  if (!match) throw badRequest('headers.range', `expected bytes=start-[end] (one range), got ${JSON.stringify(value)}`);
  const start = Number(match[1]);
  const end = match[2] === '' ? undefined : Number(match[2]);
  if (end !== undefined && end < start) throw badRequest('headers.range', `the end ${end} is before the start ${start}`);
  return end === undefined ? { start } : { start, end };
}

function answerError(req: IncomingMessage, res: ServerResponse, error: unknown, log: (line: string) => void): void {
  const problem = toProblem(error);
  if (problem.status >= 500) log(`artifacts: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  if (res.headersSent) return void res.destroy();
  // A refused upload may still be arriving: close instead of reading the rest.
  const close: Record<string, string> = req.method === 'PUT' || req.method === 'POST' ? { connection: 'close' } : {};
  sendJson(res, problem.status, problem.body, close);
}

function toProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof DownloadTokenError) return new HttpProblem(403, { error: 'forbidden', field: 'path.token', message: error.message });
  if (error instanceof ChecksumMismatchError) {
    return new HttpProblem(400, { error: 'checksum_mismatch', field: `headers.${SHA256_HEADER}`, expectedSha256: error.expectedSha256, actualSha256: error.actualSha256, message: `headers.${SHA256_HEADER}: ${error.message}; nothing was stored` });
  }
  if (error instanceof ArtifactTooLargeError) {
    return new HttpProblem(413, { error: 'too_large', field: 'body', maxBytes: error.maxBytes, message: `body: more than the limit of ${error.maxBytes} bytes (headers.${MAX_BYTES_HEADER} or the service's limit); nothing was stored` });
  }
  if (error instanceof ArtifactNotFoundError) return new HttpProblem(404, { error: 'not_found', message: `artifact ${error.sha256} not found for this account` });
  if (error instanceof RangeNotSatisfiableError) return new HttpProblem(416, { error: 'range_not_satisfiable', field: 'headers.range', size: error.size, message: error.message });
  if (error instanceof ArtifactStoreInputError) return badRequest(error.field, error.message);
  return new HttpProblem(500, { error: 'internal', message: 'the artifacts service failed; see its log' });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers }).end(text);
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
