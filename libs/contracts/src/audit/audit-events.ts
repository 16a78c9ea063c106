// The audit trail is written by @sluice/authz (its hash chain is the library's), so its event types and records are
// declared there; they are part of the published language all the same.
export { AUDIT_OUTCOME_RECORDED, AUDIT_RECORDED, auditRecordOf, type AuditRecord, type AuditResult, type ChainedAuditRecord } from '@sluice/authz';
