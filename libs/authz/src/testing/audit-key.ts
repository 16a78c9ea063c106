import { auditChainKey } from '../audit/audit-chain-key';

/** A fixed audit chain key for tests, and its text for SLUICE_AUDIT_KEY of the processes a test starts. */
export const TEST_AUDIT_KEY_TEXT = '5e'.repeat(32);
export const TEST_AUDIT_KEY = auditChainKey(Buffer.from(TEST_AUDIT_KEY_TEXT, 'hex'));
