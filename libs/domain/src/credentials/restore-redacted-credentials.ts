import { REDACTED_USERINFO, redactUrlCredentials } from './url-credentials';

/**
 * `incoming` (a definition sent to updatePipeline) with each string that is exactly the redacted form of
 * the stored string at the same place replaced by the stored one: a definition read with `getPipeline`
 * (URLs shown as `https://***@host/…`) and sent back keeps the credentials it never showed.
 *
 * "The same place" follows names where there are names: stages, actions, variables and environment
 * variables are matched by `name`, anything else by key and index. A string whose rest differs from the
 * stored one (another host, path or branch), or whose userinfo is anything but `***`, is taken as written.
 */
export function restoreRedactedCredentials<T>(incoming: T, stored: unknown): T {
  return restore(incoming, stored) as T;
}

function restore(incoming: unknown, stored: unknown): unknown {
  if (typeof incoming === 'string') {
    const redactedStored = typeof stored === 'string' ? redactUrlCredentials(stored) : undefined;
    return redactedStored !== undefined && redactedStored !== stored && redactedStored === incoming && incoming.includes(`${REDACTED_USERINFO}@`) ? stored : incoming;
  }
  if (Array.isArray(incoming)) {
    if (!Array.isArray(stored)) return incoming;
    return incoming.map((item: unknown, index) => restore(item, counterpart(item, index, stored)));
  }
  if (!isRecord(incoming) || !isRecord(stored)) return incoming;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(incoming)) copy[key] = Object.hasOwn(stored, key) ? restore(item, stored[key]) : item;
  return copy;
}

/** The stored item an incoming array item stands for: the one of the same name, else the one at its index. */
function counterpart(item: unknown, index: number, stored: readonly unknown[]): unknown {
  const name = isRecord(item) ? item.name : undefined;
  if (typeof name === 'string') return stored.find((candidate) => isRecord(candidate) && candidate.name === name);
  return stored[index];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
