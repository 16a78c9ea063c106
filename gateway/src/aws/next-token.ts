import { AwsError, validationException } from './aws-errors';

/**
 * `nextToken` pagination: the token is opaque to the client (base64url of the operation it belongs to and the
 * cursor of the query behind it), so a token from one operation or a forged one is refused with
 * `InvalidNextTokenException` instead of silently restarting the listing.
 */
export function encodeNextToken(operation: string, cursor: string): string {
  return Buffer.from(JSON.stringify({ v: 1, op: operation, c: cursor }), 'utf8').toString('base64url');
}

export function decodeNextToken(operation: string, token: unknown): string | undefined {
  if (token === undefined || token === null) return undefined;
  const invalid = () => new AwsError('InvalidNextTokenException', 'The next token was specified in an invalid format. Make sure that the next token you provide is the token returned by a previous call.');
  if (typeof token !== 'string' || token.length === 0 || token.length > 2048) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const { v, op, c } = (parsed ?? {}) as { v?: unknown; op?: unknown; c?: unknown };
  if (v !== 1 || op !== operation || typeof c !== 'string') throw invalid();
  return c;
}

/** `maxResults` as the operation allows it (`1..limit`), or the default when absent. */
export function maxResultsOf(input: Record<string, unknown>, options: { limit: number; default: number }): number {
  const value = input.maxResults;
  if (value === undefined || value === null) return options.default;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw validationException([{ path: 'maxResults', value, constraint: 'Member must be an integer' }]);
  if (value < 1) throw validationException([{ path: 'maxResults', value, constraint: 'Member must have value greater than or equal to 1' }]);
  if (value > options.limit) throw validationException([{ path: 'maxResults', value, constraint: `Member must have value less than or equal to ${options.limit}` }]);
  return value;
}
