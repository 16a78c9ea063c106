import { redactUrlCredentials } from './url-credentials';

/**
 * A copy of a JSON value (a pipeline declaration, an action's configuration, an answer) with
 * `redactUrlCredentials` applied to every string in it, at any depth; keys are names and stay as they are.
 */
export function redactUrlCredentialsIn<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = redact(item);
  return copy;
}
