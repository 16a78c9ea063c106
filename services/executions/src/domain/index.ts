/**
 * The pure domain of the executions service. A command handler does, for each command:
 * load the stream (and the context a decider names) -> decide -> append with the expected revision;
 * on a ConcurrencyError, load again and decide again. The engine loop calls `nextCommands` for an
 * execution whenever one of its streams changes, and for every execution that `needsAttention` at start.
 */
export * from '@sluice/domain';
export * from './errors';
export * from './time';
export * from './derived-ids';
export * from './fresh-ids';

export * from './execution/execution-commands';
export * from './execution/action-revision';
export * from './execution/execution-state';
export { evolveExecution } from './execution/execution-evolve';
export { decideExecution, executionDecider, noExecutionContext, sourceExecutionIdOf, type ExecutionContext } from './execution/execution-decider';
export { foldExecution } from './execution/execution-progress';
export { APPROVAL_TIMEOUT_MINUTES, DEFAULT_ACTION_TIMEOUT_MINUTES } from './execution/action-start';
export { MAX_AUTOMATIC_RETRIES, conditionsOf } from './execution/stage-outcomes';
export { resolveText, type VariableScope, type Resolution, type UnresolvedReference } from './execution/variable-resolution';

export * from './lanes/lanes-commands';
export * from './lanes/lanes-state';
export { decideLanes, lanesDecider } from './lanes/lanes-decider';

export * from './jobs/job-commands';
export * from './jobs/job-state';
export * from './jobs/job-queue';
export * from './jobs/artifact-claims';
export { isThirdPartyJob, requireClientToken } from './jobs/client-token';
export { resolveJobSecrets, secretNamesToOpen, type SecretResolution } from './jobs/job-secret-resolution';
export { decideJob, jobDecider } from './jobs/job-decider';

export * from './engine/engine-command';
export { nextCommands, jobsOf, needsAttention, needsAttentionOfItsOwn, nextWakeUp, type EngineView } from './engine/process-manager';
export { invocationsOf, type Invoked } from './engine/pipeline-invocations';

export * from './read-models/pipeline-state';
export * from './read-models/execution-summary';
export * from './read-models/action-executions';
export * from './read-models/rule-executions';
export * from './read-models/deploy-targets';
export * from './read-models/deployments';
export * from './freezes/environment-freezes';
export * from './read-models/delivery-metrics';
export * from './retention/retention';
