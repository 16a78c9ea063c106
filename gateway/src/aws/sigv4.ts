import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * AWS Signature Version 4 verification (decision 0024), pure: the caller reads the request, looks up the secret of
 * the access key the signature names, and asks `verifySignature`. Header form (`Authorization: AWS4-HMAC-SHA256 …`)
 * and presigned query form (`X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=…`).
 */

export const SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256';
/** How far a request's `X-Amz-Date` may be from the server's clock, either way (AWS: 15 minutes). */
export const SIGV4_DATE_WINDOW_MS = 15 * 60 * 1000;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** A request as received: the raw (still percent-encoded) path and query, headers in arrival order, the whole body. */
export interface ReceivedRequest {
  method: string;
  /** Percent-encoded path, without the query: `/aws/`. */
  path: string;
  /** Raw query string without `?` (may be empty). */
  query: string;
  /** Name/value pairs as sent (Node's `req.rawHeaders`, paired). */
  headers: ReadonlyArray<readonly [string, string]>;
  body: Uint8Array;
}

/** Why a request is refused, in AWS's words: `type` is the `__type` AWS answers with. */
export class SigV4Error extends Error {
  override readonly name = 'SigV4Error';
  constructor(
    readonly type: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'InvalidSignatureException',
    message: string,
  ) {
    super(message);
  }
}

/** What a request claims about its signature, read and checked for shape, scope and date before any secret is looked up. */
export interface SignatureClaim {
  accessKeyId: string;
  /** `YYYYMMDD` of the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  /** `YYYYMMDDTHHMMSSZ`. */
  amzDate: string;
  /** Lower-case, sorted as the client sent them. */
  signedHeaders: string[];
  signature: string;
  form: 'header' | 'query';
}

const headerValues = (request: ReceivedRequest, name: string): string[] =>
  request.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
const firstHeader = (request: ReceivedRequest, name: string): string | undefined => headerValues(request, name)[0];

/** Query pairs, decoded (`+` is a space in form encoding but not in SigV4's: left as sent). */
function queryPairs(query: string): Array<[string, string]> {
  if (query === '') return [];
  return query.split('&').filter((part) => part !== '').map((part) => {
    const equals = part.indexOf('=');
    const key = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    return [safeDecode(key), safeDecode(value)];
  });
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SigV4Error('IncompleteSignatureException', `The query string has an invalid percent-encoding: '${text}'.`);
  }
}

/** RFC 3986 encoding as SigV4 defines it: everything but `A-Z a-z 0-9 - _ . ~` is %XX (upper case). */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Milliseconds since the epoch of an `X-Amz-Date`, or undefined when it is not one. */
export function parseAmzDate(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  return check.getUTCMonth() === mo - 1 && check.getUTCDate() === d ? ms : undefined;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

interface CredentialParts {
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
}

function parseCredential(value: string): CredentialParts {
  const parts = value.split('/');
  if (parts.length !== 5 || parts.some((part) => part === '')) {
    throw new SigV4Error('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${value}'.`);
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts as [string, string, string, string, string];
  if (terminator !== 'aws4_request') throw new SigV4Error('IncompleteSignatureException', `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (!/^\d{8}$/.test(scopeDate)) throw new SigV4Error('IncompleteSignatureException', `Credential date '${scopeDate}' must be YYYYMMDD.`);
  return { accessKeyId, scopeDate, region, service };
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` → its three parts. */
function parseAuthorizationHeader(value: string): { credential: string; signedHeaders: string; signature: string } {
  const trimmed = value.trim();
  if (!trimmed.startsWith(`${SIGV4_ALGORITHM} `)) {
    const algorithm = trimmed.split(/\s+/)[0] ?? '';
    throw new SigV4Error('IncompleteSignatureException', `Authorization header requires the '${SIGV4_ALGORITHM}' algorithm, got '${algorithm}'.`);
  }
  const fields = new Map<string, string>();
  for (const part of trimmed.slice(SIGV4_ALGORITHM.length).split(',')) {
    const equals = part.indexOf('=');
    if (equals < 0) continue;
    fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    throw new SigV4Error('IncompleteSignatureException', `Authorization header requires ${missing.map((m) => `'${m}'`).join(', ')} parameter${missing.length > 1 ? 's' : ''}. Authorization=${SIGV4_ALGORITHM} …`);
  }
  return { credential: fields.get('Credential')!, signedHeaders: fields.get('SignedHeaders')!, signature: fields.get('Signature')! };
}

/**
 * Reads the signature a request carries and checks everything that needs no secret: its shape, the scope
 * (`service`, the scope date equal to the request date), the signed headers (`host` and the date among them) and
 * the date window around `now`. Throws `SigV4Error` naming what is wrong.
 */
export function readSignatureClaim(request: ReceivedRequest, options: { service: string; now: number; windowMs?: number }): SignatureClaim {
  const authorization = headerValues(request, 'authorization');
  const query = queryPairs(request.query);
  const queryValue = (name: string) => query.find(([key]) => key === name)?.[1];
  let parts: { credential: string; signedHeaders: string; signature: string };
  let amzDate: string | undefined;
  let form: SignatureClaim['form'];
  if (authorization.length > 0) {
    if (authorization.length > 1) throw new SigV4Error('IncompleteSignatureException', 'The request has more than one Authorization header.');
    parts = parseAuthorizationHeader(authorization[0]!);
    amzDate = firstHeader(request, 'x-amz-date');
    if (amzDate === undefined) throw new SigV4Error('IncompleteSignatureException', "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header; send X-Amz-Date.");
    form = 'header';
  } else if (queryValue('X-Amz-Algorithm') !== undefined) {
    if (queryValue('X-Amz-Algorithm') !== SIGV4_ALGORITHM) throw new SigV4Error('IncompleteSignatureException', `X-Amz-Algorithm must be '${SIGV4_ALGORITHM}'.`);
    const missing = ['X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-Expires'].filter((name) => !queryValue(name));
    if (missing.length > 0) throw new SigV4Error('IncompleteSignatureException', `A presigned request requires the query parameters ${missing.join(', ')}.`);
    parts = { credential: queryValue('X-Amz-Credential')!, signedHeaders: queryValue('X-Amz-SignedHeaders')!, signature: queryValue('X-Amz-Signature')! };
    amzDate = queryValue('X-Amz-Date')!;
    form = 'query';
  } else {
    throw new SigV4Error('MissingAuthenticationTokenException', 'Missing Authentication Token: sign the request with Signature Version 4 (an access key from createAccessKey; the admin pair is in $SLUICE_DATA_DIR/admin-credentials).');
  }
  const credential = parseCredential(parts.credential);
  if (credential.service !== options.service) throw new SigV4Error('InvalidSignatureException', `Credential should be scoped to correct service: '${options.service}'.`);
  const requestTime = parseAmzDate(amzDate);
  if (requestTime === undefined) throw new SigV4Error('IncompleteSignatureException', `X-Amz-Date must be in the ISO8601 basic format YYYYMMDD'T'HHMMSS'Z', got '${amzDate}'.`);
  if (!amzDate.startsWith(credential.scopeDate)) {
    throw new SigV4Error('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${credential.scopeDate}' != '${amzDate.slice(0, 8)}'.`);
  }
  const windowMs = options.windowMs ?? SIGV4_DATE_WINDOW_MS;
  if (form === 'query') {
    // A presigned request is valid from its date (less the clock window) for X-Amz-Expires seconds, at most 7 days.
    const expires = Number(queryValue('X-Amz-Expires') ?? NaN);
    if (!Number.isInteger(expires) || expires < 1 || expires > 604_800) throw new SigV4Error('IncompleteSignatureException', 'X-Amz-Expires must be a whole number of seconds from 1 to 604800 (7 days).');
    if (options.now > requestTime + expires * 1000) throw new SigV4Error('InvalidSignatureException', `Request has expired: signed at ${amzDate} for ${expires} seconds.`);
  } else if (requestTime < options.now - windowMs) {
    throw new SigV4Error('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(options.now - windowMs)} (${formatAmzDate(options.now)} - ${windowMs / 60_000} min.)`);
  }
  if (requestTime > options.now + windowMs) {
    throw new SigV4Error('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(options.now + windowMs)} (${formatAmzDate(options.now)} + ${windowMs / 60_000} min.)`);
  }
  const signedHeaders = parts.signedHeaders.split(';');
  if (signedHeaders.some((name) => name === '' || name !== name.toLowerCase())) {
    throw new SigV4Error('IncompleteSignatureException', `SignedHeaders must be lower-case header names separated by ';', got '${parts.signedHeaders}'.`);
  }
  if (!signedHeaders.includes('host')) throw new SigV4Error('InvalidSignatureException', "'Host' must be a signed header.");
  if (form === 'header' && !signedHeaders.includes('x-amz-date')) throw new SigV4Error('InvalidSignatureException', "'X-Amz-Date' must be a signed header.");
  for (const name of signedHeaders) {
    if (headerValues(request, name).length === 0) throw new SigV4Error('InvalidSignatureException', `The signed header '${name}' is not in the request.`);
  }
  if (!/^[0-9a-f]{64}$/.test(parts.signature)) throw new SigV4Error('IncompleteSignatureException', 'Signature must be 64 lower-case hexadecimal characters.');
  return { ...credential, amzDate, signedHeaders, signature: parts.signature, form };
}

/** Removes `.`/`..` segments and empty ones, as SigV4 normalizes a path for every service but S3. */
function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const joined = `/${segments.join('/')}`;
  return joined !== '/' && path.endsWith('/') ? `${joined}/` : joined;
}

/** The canonical path: normalized, then each segment encoded once more (the received path is already encoded once). */
function canonicalPath(path: string): string {
  return normalizePath(path === '' ? '/' : path).split('/').map(uriEncode).join('/');
}

function canonicalQuery(query: string, form: SignatureClaim['form']): string {
  return queryPairs(query)
    .filter(([key]) => !(form === 'query' && key === 'X-Amz-Signature'))
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function canonicalHeaders(request: ReceivedRequest, signedHeaders: readonly string[]): string {
  return signedHeaders.map((name) => `${name}:${headerValues(request, name).map((value) => value.trim().replace(/\s+/g, ' ')).join(',')}\n`).join('');
}

const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * The payload hash the signature covers: the body's SHA-256, which `x-amz-content-sha256`, when sent, must equal.
 * `UNSIGNED-PAYLOAD` exists only for S3's presigned URLs; for every other service the body is always covered.
 */
export function payloadHash(request: ReceivedRequest, claim: Pick<SignatureClaim, 'form' | 'service'>): string {
  const computed = request.body.length === 0 ? EMPTY_SHA256 : sha256Hex(request.body);
  const declared = firstHeader(request, 'x-amz-content-sha256');
  const unsignedAllowed = claim.form === 'query' && claim.service === 's3';
  if (declared === undefined) return unsignedAllowed ? UNSIGNED_PAYLOAD : computed;
  if (declared === UNSIGNED_PAYLOAD && unsignedAllowed) return declared;
  if (declared !== computed) throw new SigV4Error('InvalidSignatureException', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  return declared;
}

export function canonicalRequest(request: ReceivedRequest, claim: Pick<SignatureClaim, 'signedHeaders' | 'form' | 'service'>): string {
  return [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query, claim.form),
    canonicalHeaders(request, claim.signedHeaders),
    claim.signedHeaders.join(';'),
    payloadHash(request, claim),
  ].join('\n');
}

export const credentialScope = (claim: Pick<SignatureClaim, 'scopeDate' | 'region' | 'service'>) => `${claim.scopeDate}/${claim.region}/${claim.service}/aws4_request`;

export function stringToSign(request: ReceivedRequest, claim: SignatureClaim): string {
  return [SIGV4_ALGORITHM, claim.amzDate, credentialScope(claim), sha256Hex(canonicalRequest(request, claim))].join('\n');
}

export function signingKey(secretAccessKey: string, claim: Pick<SignatureClaim, 'scopeDate' | 'region' | 'service'>): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, claim.scopeDate), claim.region), claim.service), 'aws4_request');
}

/** The signature the request should carry, hex. */
export function expectedSignature(request: ReceivedRequest, claim: SignatureClaim, secretAccessKey: string): string {
  return createHmac('sha256', signingKey(secretAccessKey, claim)).update(stringToSign(request, claim), 'utf8').digest('hex');
}

/** Throws `InvalidSignatureException` (AWS's words) unless the signature is the one `secretAccessKey` makes; compared in constant time. */
export function verifySignature(request: ReceivedRequest, claim: SignatureClaim, secretAccessKey: string): void {
  const expected = Buffer.from(expectedSignature(request, claim, secretAccessKey), 'utf8');
  const given = Buffer.from(claim.signature, 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SigV4Error(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}
