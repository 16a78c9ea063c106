/**
 * The published language of Sluice's services: every event a stream holds (types), every stream's name, the status
 * an event gives, and the upcasting hook. Writers and readers alike import them from here; nothing re-declares an
 * event (docs/decisions/0033).
 */
export * from './streams';
export * from './pipelines/pipeline-events';
export * from './webhooks/webhook-events';
export * from './secrets/secret-events';
export * from './notifications/notification-events';
export * from './executions/execution-inputs';
export * from './executions/execution-events';
export * from './executions/execution-event-fields';
export * from './lanes/lanes-events';
export * from './jobs/job-spec';
export * from './jobs/job-events';
export * from './action-logs/action-log-events';
export * from './artifacts/artifact-events';
export * from './identity/attached-policy';
export * from './identity/identity-events';
export * from './identity/access-key-events';
export * from './audit/audit-events';
export * from './status-of';
export * from './upcasting';
export * from './name-based-uuid';
