import { redactUrlCredentials } from './url-credentials';

/**
 * A JSON value (a pipeline declaration, an action's configuration, an answer) with `redactUrlCredentials` applied to
 * every string in it, at any depth; keys are names and stay as they are. The input is never changed: what holds a
 * redacted string is copied, and every part without one is the input's own (values are not mutated after, and an
 * action's attempt is redacted at each of its updates: copying it whole each time was most of that fold's garbage).
 */
export function redactUrlCredentialsIn<T>(value: T): T {
  return redact(value) as T;
}

function redact(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const redacted = redact(item);
      if (redacted === item) continue;
      copy ??= [...value];
      copy[i] = redacted;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    const redacted = redact(item);
    if (redacted === item) continue;
    copy ??= { ...(value as Record<string, unknown>) };
    copy[key] = redacted;
  }
  return copy ?? value;
}
