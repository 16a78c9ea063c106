import { createHash } from 'node:crypto';
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { assertArtifactAddress, validatePutOptions, validateRange } from '../address';
import type { ArtifactAddress, ArtifactStore, GetArtifactOptions, PutArtifactOptions, StoredArtifact } from '../artifact-store';
import { ArtifactNotFoundError, ArtifactStoreInputError, ArtifactTooLargeError, ChecksumMismatchError, RangeNotSatisfiableError } from '../errors';
import { ARTIFACTS_PATH, MAX_BYTES_HEADER, SHA256_HEADER, SIZE_HEADER, UPLOAD_ABORTED_TRAILER, type ArtifactHttpError } from './artifact-http-protocol';

export interface HttpArtifactStoreOptions {
  /** Base URL of the artifacts service, e.g. `http://artifacts.internal:4300`. */
  url: string;
  /** The account whose artifacts this store reads and writes (default `default`). */
  account?: string;
  /** Sent with every request (e.g. an authorization header). */
  headers?: Record<string, string>;
}

/** The service answered something this client does not map to a store error. */
export class ArtifactServiceError extends Error {
  override readonly name = 'ArtifactServiceError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The `ArtifactStore` port over the artifacts service's HTTP routes: a worker on another machine uses the service. */
export async function openHttpArtifactStore(options: HttpArtifactStoreOptions): Promise<HttpArtifactStore> {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new ArtifactStoreInputError('url', `not a URL: ${JSON.stringify(options.url)}`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new ArtifactStoreInputError('url', `expected http: or https:, got ${base.protocol}`);
  const account = options.account ?? 'default';
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(account)) throw new ArtifactStoreInputError('account', `not an account id: ${JSON.stringify(account)}`);
  return new HttpArtifactStore(base, account, options.headers ?? {});
}

interface Exchange {
  response: IncomingMessage;
}

export class HttpArtifactStore implements ArtifactStore {
  constructor(
    private readonly base: URL,
    readonly account: string,
    private readonly headers: Record<string, string>,
  ) {}

  async put(source: Readable, options: PutArtifactOptions = {}): Promise<StoredArtifact> {
    validatePutOptions(options);
    const headers: OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked', trailer: UPLOAD_ABORTED_TRAILER };
    if (options.expectedSha256 !== undefined) headers[SHA256_HEADER] = options.expectedSha256;
    if (options.maxBytes !== undefined) headers[MAX_BYTES_HEADER] = String(options.maxBytes);
    const { response } = await this.send('PUT', this.pathOf(), headers, (request, abort) => {
      // Sends at most maxBytes + 1 bytes and ends the body cleanly: the service refuses (413) without connection games.
      let sent = 0;
      const limit = options.maxBytes === undefined ? Number.POSITIVE_INFINITY : options.maxBytes + 1;
      const onData = (chunk: Buffer) => {
        const part = sent + chunk.length > limit ? chunk.subarray(0, limit - sent) : chunk;
        sent += part.length;
        if (!request.write(part)) source.pause();
        if (sent >= limit) finish();
      };
      const onDrain = () => source.resume();
      const finish = () => {
        source.off('data', onData);
        source.off('end', finish);
        request.off('drain', onDrain);
        if (sent >= limit) source.destroy();
        request.end();
      };
      source.on('data', onData);
      source.once('end', finish);
      request.on('drain', onDrain);
      source.once('error', (error) => {
        source.off('data', onData);
        source.off('end', finish);
        // The trailer tells the service to store nothing; its answer says when it has cleaned up.
        request.addTrailers({ [UPLOAD_ABORTED_TRAILER]: 'the source failed' });
        request.end();
        abort(error);
      });
    });
    const body = await readJson(response);
    if (response.statusCode === 201 || response.statusCode === 200) return { sha256: String(body.sha256), size: Number(body.size) };
    throw this.errorOf(response.statusCode ?? 0, body as ArtifactHttpError, options);
  }

  async get(sha256: ArtifactAddress, options: GetArtifactOptions = {}): Promise<Readable> {
    assertArtifactAddress(sha256);
    if (options.range) validateRange(options.range);
    const headers: OutgoingHttpHeaders = {};
    if (options.range) headers.range = `bytes=${options.range.start}-${options.range.end ?? ''}`;
    const { response } = await this.send('GET', this.pathOf(sha256), headers);
    const status = response.statusCode ?? 0;
    if (status === 206) return response;
    if (status !== 200) throw this.errorOf(status, await readJson(response), {}, sha256, options.range?.start);
    if (options.range) return response;
    const size = Number(response.headers[SIZE_HEADER]);
    return response.pipe(verifying(response, sha256, size));
  }

  async has(sha256: ArtifactAddress): Promise<boolean> {
    assertArtifactAddress(sha256);
    const { response } = await this.send('HEAD', this.pathOf(sha256), {});
    response.resume();
    if (response.statusCode === 200) return true;
    if (response.statusCode === 404) return false;
    throw new ArtifactServiceError(response.statusCode ?? 0, `HEAD ${this.pathOf(sha256)} answered ${response.statusCode}`);
  }

  async stat(sha256: ArtifactAddress): Promise<{ size: number }> {
    assertArtifactAddress(sha256);
    const { response } = await this.send('HEAD', this.pathOf(sha256), {});
    response.resume();
    if (response.statusCode === 200) return { size: Number(response.headers[SIZE_HEADER]) };
    if (response.statusCode === 404) throw new ArtifactNotFoundError(sha256);
    throw new ArtifactServiceError(response.statusCode ?? 0, `HEAD ${this.pathOf(sha256)} answered ${response.statusCode}`);
  }

  async delete(sha256: ArtifactAddress): Promise<void> {
    assertArtifactAddress(sha256);
    const { response } = await this.send('DELETE', this.pathOf(sha256), {});
    const body = await readJson(response);
    if (response.statusCode !== 204) throw this.errorOf(response.statusCode ?? 0, body, {}, sha256);
  }

  async *list(): AsyncIterable<ArtifactAddress> {
    const { response } = await this.send('GET', this.pathOf(), {});
    const body = await readJson(response);
    if (response.statusCode !== 200) throw this.errorOf(response.statusCode ?? 0, body, {});
    yield* body.artifacts ?? [];
  }

  async close(): Promise<void> {}

  private pathOf(sha256?: string): string {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    return `${prefix}${ARTIFACTS_PATH}/${this.account}${sha256 ? `/${sha256}` : ''}`;
  }

  private errorOf(status: number, body: Partial<ArtifactHttpError>, options: PutArtifactOptions, sha256?: string, rangeStart?: number): Error {
    switch (body.error) {
      case 'checksum_mismatch':
        return new ChecksumMismatchError(body.expectedSha256 ?? options.expectedSha256 ?? '', body.actualSha256 ?? '', 'upload to the artifacts service');
      case 'too_large':
        return new ArtifactTooLargeError(body.maxBytes ?? options.maxBytes ?? 0);
      case 'not_found':
        return new ArtifactNotFoundError(sha256 ?? '');
      case 'range_not_satisfiable':
        return new RangeNotSatisfiableError(sha256 ?? '', body.size ?? 0, rangeStart ?? 0);
      default:
        return new ArtifactServiceError(status, `the artifacts service answered ${status}: ${body.message ?? 'no message'}`);
    }
  }

  /** One request; `write` streams a body (and may fail the exchange with `abort`), else the request ends at once. */
  private send(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    write?: (request: import('node:http').ClientRequest, abort: (error: Error) => void) => void,
  ): Promise<Exchange> {
    return new Promise((resolve, reject) => {
      let failure: Error | undefined;
      const url = new URL(path, this.base);
      const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: { ...this.headers, ...headers } }, (response) => {
        if (failure) {
          // The source failed: wait for the service to confirm it kept nothing, then report the source's error.
          response.resume();
          response.once('end', () => reject(failure));
          response.once('error', () => reject(failure));
          return;
        }
        resolve({ response });
      });
      request.once('error', (error) => reject(failure ?? error));
      if (write) write(request, (error) => void (failure = error));
      else request.end();
    });
  }
}

type ServiceAnswer = Partial<ArtifactHttpError> & { artifacts?: string[]; sha256?: string };

async function readJson(response: IncomingMessage): Promise<ServiceAnswer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as ServiceAnswer;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

/**
 * Hashes as the bytes arrive and ends with `ChecksumMismatchError` when they do not hash to the address.
 * The service cuts a full download short (no final chunk) when its own check fails: if every byte had
 * arrived, that is a checksum mismatch too, reported with the digest of what came.
 */
function verifying(response: IncomingMessage, sha256: string, size: number): Transform {
  const hash = createHash('sha256');
  let received = 0;
  const check = (): Error | null => {
    const actual = hash.digest('hex');
    return actual === sha256 ? null : new ChecksumMismatchError(sha256, actual, 'download from the artifacts service');
  };
  const verifier = new Transform({
    // Room for a few socket reads: the default 16 KiB makes the pipe pause and resume at every 64 KiB chunk.
    highWaterMark: 1024 * 1024,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      received += chunk.length;
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      callback(check());
    },
  });
  response.once('aborted', () => {
    verifier.destroy(received === size ? (check() ?? new Error('the download was cut short')) : new Error(`the download of ${sha256} ended after ${received} of ${size} bytes`));
  });
  response.once('error', (error) => {
    if (!verifier.destroyed) verifier.destroy(received === size ? (check() ?? error) : error);
  });
  return verifier;
}
