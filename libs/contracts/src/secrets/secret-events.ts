/**
 * Secrets as an account's resources (issue 21, decision 0043): kept by the pipelines service in
 * `secret-{account}.{name}`, a private stream (never relayed to the bus); the executions service reads it when it hands
 * a job to a worker. A value never appears in clear: `sealedValue` is AES-256-GCM under the server's master key, bound
 * to the account, the name and the version.
 */

export interface SecretCreated {
  type: 'SecretCreated';
  data: { name: string; description: string; at: string; by: string };
}

/** A new version of the value (the first on create, then each rotation): the latest is what jobs receive. */
export interface SecretValuePut {
  type: 'SecretValuePut';
  data: { name: string; version: number; sealedValue: string; at: string; by: string };
}

export interface SecretDeleted {
  type: 'SecretDeleted';
  data: { name: string; at: string; by: string };
}

export type SecretEvent = SecretCreated | SecretValuePut | SecretDeleted;

export const SECRET_EVENT_TYPES = ['SecretCreated', 'SecretValuePut', 'SecretDeleted'] as const satisfies ReadonlyArray<SecretEvent['type']>;

export function isSecretEvent(event: { type: string }): event is SecretEvent {
  return (SECRET_EVENT_TYPES as readonly string[]).includes(event.type);
}

/** What a sealed value is bound to (associated data): a ciphertext copied onto another secret or version does not open. */
export function secretValueBinding(account: string, name: string, version: number): string {
  return `secret\u0000${account}\u0000${name}\u0000${version}`;
}

export const SECRET_STREAM_PREFIX = 'secret-';

export function secretStreamId(account: string, name: string): string {
  return `${SECRET_STREAM_PREFIX}${account}.${name}`;
}

export function parseSecretStreamId(streamId: string): { account: string; name: string } | undefined {
  if (!streamId.startsWith(SECRET_STREAM_PREFIX)) return undefined;
  const rest = streamId.slice(SECRET_STREAM_PREFIX.length);
  const dot = rest.indexOf('.');
  return dot > 0 ? { account: rest.slice(0, dot), name: rest.slice(dot + 1) } : undefined;
}
