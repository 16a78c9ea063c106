import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Carries the secret the gateway and the subgraphs share, so nobody reaches a subgraph around the gateway. */
export const INTERNAL_SECRET_HEADER = 'x-sluice-internal-secret';

/** The environment variable holding it. A service does not start without it (`subgraphServeConfigFrom`, `serveSubgraph`). */
export const INTERNAL_SECRET_ENV = 'SLUICE_INTERNAL_SECRET';

/** As long as a random 256-bit key: anything shorter is guessable enough to be refused. */
export const MIN_INTERNAL_SECRET_BYTES = 32;

/** A service was started without a usable internal secret: it refuses to start rather than serve everyone. */
export class InternalSecretConfigError extends Error {
  override readonly name = 'InternalSecretConfigError';
}

/** Why `secret` cannot guard a subgraph, or undefined when it can. */
export function internalSecretConfigProblem(secret: string | undefined): string | undefined {
  if (secret === undefined || secret.trim() === '') {
    return `${INTERNAL_SECRET_ENV} is not set: a service answers only the gateway, which must send the same secret (at least ${MIN_INTERNAL_SECRET_BYTES} bytes, e.g. openssl rand -base64 32); start:distributed and the embedded platform make one`;
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_INTERNAL_SECRET_BYTES) return `${INTERNAL_SECRET_ENV} is ${bytes} bytes long; it must be at least ${MIN_INTERNAL_SECRET_BYTES} (e.g. openssl rand -base64 32)`;
  return undefined;
}

/** The configured secret; throws `InternalSecretConfigError` naming the variable when it is unset or too short. */
export function requireInternalSecret(env: Readonly<Record<string, string | undefined>>): string {
  const secret = env[INTERNAL_SECRET_ENV];
  const problem = internalSecretConfigProblem(secret);
  if (problem !== undefined) throw new InternalSecretConfigError(problem);
  return secret!;
}

/**
 * Why a request may not reach the subgraph, or undefined when it may: the request must carry the configured secret
 * in `x-sluice-internal-secret` (compared in constant time). Without a usable secret configured, every request is
 * refused (fail closed): no service serves callers that bypass the gateway.
 */
export function internalSecretProblem(headers: IncomingHttpHeaders, secret: string | undefined): string | undefined {
  const configProblem = internalSecretConfigProblem(secret);
  if (configProblem !== undefined) return `this service refuses every request: ${configProblem}`;
  const given = headers[INTERNAL_SECRET_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined) return `this subgraph is reached through the gateway only: the ${INTERNAL_SECRET_HEADER} header is missing`;
  const expected = Buffer.from(secret!, 'utf8');
  const actual = Buffer.from(value, 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return `this subgraph is reached through the gateway only: the ${INTERNAL_SECRET_HEADER} header is wrong`;
  return undefined;
}
