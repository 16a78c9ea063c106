import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Carries the secret the gateway and the subgraphs share, so nobody reaches a subgraph around the gateway. */
export const INTERNAL_SECRET_HEADER = 'x-sluice-internal-secret';

/** The environment variable holding it; unset, subgraphs accept every request (direct subgraph tests). */
export const INTERNAL_SECRET_ENV = 'SLUICE_INTERNAL_SECRET';

/**
 * Why a request may not reach the subgraph, or undefined when it may: with a secret configured, the
 * request must carry it in `x-sluice-internal-secret` (compared in constant time).
 */
export function internalSecretProblem(headers: IncomingHttpHeaders, secret: string | undefined = process.env[INTERNAL_SECRET_ENV]): string | undefined {
  if (secret === undefined || secret === '') return undefined;
  const given = headers[INTERNAL_SECRET_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  if (value === undefined) return `this subgraph is reached through the gateway only: the ${INTERNAL_SECRET_HEADER} header is missing`;
  const expected = Buffer.from(secret, 'utf8');
  const actual = Buffer.from(value, 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return `this subgraph is reached through the gateway only: the ${INTERNAL_SECRET_HEADER} header is wrong`;
  return undefined;
}
