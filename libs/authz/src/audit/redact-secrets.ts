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
  const own = (key: string) => (Object.hasOwn(object, key) ? object[key] : undefined);
  const secretPair = typeof own('name') === 'string' && isSecret(own('name') as string) && Object.hasOwn(object, 'value');
  const copy: { [key: string]: JsonValue | undefined } = {};
  for (const [key, item] of Object.entries(object)) {
    const redacted = item === undefined ? undefined : isSecret(key) || (secretPair && key === 'value') ? REDACTED : redact(item, isSecret);
    setOwn(copy, key, redacted);
  }
  return copy;
}

/**
 * Keys are the caller's data: `__proto__`, `constructor` or `prototype` becomes an own property like any
 * other. Assigning `copy["__proto__"]` would set the copy's prototype instead, dropping the key from the
 * record and making it unhashable, and so unwritable (issue 16).
 */
function setOwn(target: { [key: string]: JsonValue | undefined }, key: string, value: JsonValue | undefined): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '');
}
