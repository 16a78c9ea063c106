// The executions service's public entry: its configuration, its composition (the engine, no framework, and the
// subgraph, whose NestJS API `createExecutionsService` loads when it serves) and what composes it into a platform.
export {
  composeExecutions,
  createExecutionsEngine,
  createExecutionsService, loadExecutionsApi,
  type ExecutionsApplication,
  type ExecutionsComposition,
  type ExecutionsEngine,
  type ExecutionsEngineOptions,
  type ExecutionsService,
  type ExecutionsServiceOptions,
} from './executions-service';
export { loadExecutionsConfig, prefixedTopics, retentionSweepIntervalFrom, type ExecutionsConfig, type RelayConfig } from './executions-config';
export type { Caller } from './application/caller';
/** Its projections, for `npm run rebuild-projections`. */
export { executionsProjections } from './projections/projection-registry';
export { inProcessWorkerId } from './application/in-process-worker';
