/**
 * The artifacts service's byte routes (services/artifacts), shared by the service and `openHttpArtifactStore`:
 *
 *   PUT    /artifacts/{account}            body = the bytes             -> 201 { sha256, size }
 *   GET    /artifacts/{account}            the addresses it may read     -> 200 { artifacts: [sha256…] }
 *   GET    /artifacts/{account}/{sha256}   the bytes (Range: bytes=a-b)  -> 200 | 206, verified while streaming
 *   HEAD   /artifacts/{account}/{sha256}                                 -> 200 with x-sluice-size | 404
 *   DELETE /artifacts/{account}/{sha256}   gives up the account's claim  -> 204
 *   GET    /artifacts/download/{token}     a signed, expiring download   -> 200 | 403
 */
export const ARTIFACTS_PATH = '/artifacts';
export const DOWNLOAD_PATH = '/artifacts/download';

/** `/artifacts/download/{token}`: a token is never 64 hex characters, so an account named "download" keeps its routes. */
export function isDownloadPath(path: string): boolean {
  if (!path.startsWith(`${DOWNLOAD_PATH}/`)) return false;
  const token = path.slice(DOWNLOAD_PATH.length + 1);
  return token !== '' && !token.includes('/') && !/^[0-9a-f]{64}$/.test(token);
}

/** Request: the sha256 the uploader expects (a mismatch stores nothing, 400). Response: the address served. */
export const SHA256_HEADER = 'x-sluice-sha256';
/** Request: the most bytes the uploader wants stored (413 beyond); the service's own limit applies too. */
export const MAX_BYTES_HEADER = 'x-sluice-max-bytes';
/** Response: the stored size. A full GET is sent chunked: a body cut short means the bytes failed verification. */
export const SIZE_HEADER = 'x-sluice-size';
/**
 * Request, on the gateway's `PUT /artifacts/{account}`: the job whose output the bytes are. The upload is authorized
 * as that job's result is (`sluice:PutJobSuccessResult` at its action type) and claims the bytes for its account.
 */
export const JOB_ID_HEADER = 'x-sluice-job-id';
/** Request trailer: the uploader's source failed; the service must store nothing (400). */
export const UPLOAD_ABORTED_TRAILER = 'x-sluice-upload-aborted';

/** The JSON body of every error answer. `field` names the header or path segment at fault. */
export interface ArtifactHttpError {
  error: 'bad_request' | 'checksum_mismatch' | 'too_large' | 'not_found' | 'range_not_satisfiable' | 'forbidden' | 'upload_aborted' | 'internal';
  message: string;
  field?: string;
  expectedSha256?: string;
  actualSha256?: string;
  maxBytes?: number;
  size?: number;
}
