// The part of the domain the dashboard runs in the browser as the user types (the server's own validator, diff and
// error codes): modules that import nothing of Node. Vite bundles this entry, `@sluice/domain/browser`, never the
// whole library (its index reaches node:crypto and the AWS import's file reading).
export { actionTypeKey, type ActionTypeDefinition } from './action-types/action-type-definition';
export { ActionTypeRegistry } from './action-types/action-type-registry';
export { mapAwsOwnedActions } from './aws/map-aws-owned-actions';
export type { ErrorCode } from './decider/error-codes';
export { diffPipelineDeclarations } from './diff/diff-pipeline-declarations';
export type { PipelineChange } from './diff/pipeline-change';
export type { PipelineDeclaration } from './pipeline-definition/pipeline-declaration';
export { validatePipelineDeclaration } from './pipeline-definition/validate-pipeline';
export { acceptDeclaration, declarationIssues } from './pipeline-definition/accept-declaration';
export { childPath, indexPath, ROOT_PATH } from './validation/json-path';
export type { ValidationIssue } from './validation/validation-issue';
