import { createHash, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The secret the audit chain is keyed with (decision 0028): each record's hash is HMAC-SHA256 under it, so
 * whoever can write to the event store but does not hold the key cannot forge or rewrite a record, however
 * carefully it recomputes the chain. It is kept outside the event store (`SLUICE_AUDIT_KEY`, or the
 * `audit-chain-key` file of the data folder: `audit-chain-key-file.ts`), never in a record.
 */
export interface AuditChainKey {
  readonly algorithm: 'hmac-sha256';
  /** Held as a KeyObject, so that logging a key never prints it. */
  readonly secret: KeyObject;
  /** The first 16 hex digits of SHA-256 of a MAC under the key: names the key in messages without revealing it. */
  readonly fingerprint: string;
}

export const AUDIT_CHAIN_KEY_BYTES = 32;

export function auditChainKey(bytes: Buffer): AuditChainKey {
  if (bytes.length < AUDIT_CHAIN_KEY_BYTES) throw new RangeError(`an audit chain key has at least ${AUDIT_CHAIN_KEY_BYTES} bytes (got ${bytes.length})`);
  const secret = createSecretKey(Buffer.from(bytes));
  const fingerprint = createHash('sha256').update(createHmac('sha256', secret).update('sluice audit chain key fingerprint').digest()).digest('hex').slice(0, 16);
  return { algorithm: 'hmac-sha256', secret, fingerprint };
}

/** A key written as 64 hex digits or as base64 of at least 32 bytes; `source` names where it came from in errors. */
export function parseAuditChainKey(text: string, source: string): AuditChainKey {
  const trimmed = text.trim();
  const bytes = /^(?:[0-9a-fA-F]{2}){32,}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (bytes.length < AUDIT_CHAIN_KEY_BYTES) throw new RangeError(`${source}: the audit chain key must be at least ${AUDIT_CHAIN_KEY_BYTES} bytes, base64 or hex (got ${bytes.length} bytes)`);
  return auditChainKey(bytes);
}

/** HMAC-SHA256 (hex) of `text` under the key. */
export function auditMac(key: AuditChainKey, text: string): string {
  return createHmac('sha256', key.secret).update(text, 'utf8').digest('hex');
}
