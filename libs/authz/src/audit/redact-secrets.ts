import { redactUrlCredentials } from '@sluice/domain';
import type { JsonValue } from './canonical-json';

export const REDACTED = '***';

// `tokenId`, `secretName`: they say which secret, and the audit trail needs exactly that.
const IDENTIFIER_SUFFIX = /(id|ids|name)$/;

/**
 * Words that mark a parameter as secret. A key matches when, lowercased and without "_", "-" and
 * spaces, it contains one (`OAuthToken`, `db_password`, `X-Api-Key`, `clientSecret`) and does not end
 * in "id", "ids" or "name". Over-redacting a harmless `continuationToken` is the price of never
 * writing a real one into the trail.
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = ['token', 'password', 'passwd', 'secret', 'authorization', 'apikey', 'privatekey', 'credential', 'cookie', 'sessionkey'];

/**
 * A copy of request parameters with every secret value replaced by "***", at any depth, including the
 * `{ name, value }` pairs of environment variables whose name is secret, and the credentials of every URL
 * in any string (`https://***@git.example.com/…`, as a pipeline's RepositoryUrl). `additionalSecretKeys`
 * extend the defaults; they never replace them.
 */
export function redactSecrets<T extends JsonValue>(parameters: T, additionalSecretKeys: readonly string[] = []): T {
  const words = [...DEFAULT_SECRET_KEYS, ...additionalSecretKeys].map(normalize);
  const isSecret = (key: string): boolean => {
    const normalized = normalize(key);
    return !IDENTIFIER_SUFFIX.test(normalized) && words.some((word) => normalized.includes(word));
  };
  return redact(parameters, isSecret) as T;
}

function redact(value: JsonValue, isSecret: (key: string) => boolean): JsonValue {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (Array.isArray(value)) return value.map((item: JsonValue) => redact(item, isSecret));
  if (value === null || typeof value !== 'object') return value;
  const object = value as { readonly [key: string]: JsonValue | undefined };
  const secretPair = typeof object.name === 'string' && isSecret(object.name) && 'value' in object;
  const copy: { [key: string]: JsonValue | undefined } = {};
  for (const [key, item] of Object.entries(object)) {
    if (item === undefined) copy[key] = undefined;
    else if (isSecret(key) || (secretPair && key === 'value')) copy[key] = REDACTED;
    else copy[key] = redact(item, isSecret);
  }
  return copy;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}
