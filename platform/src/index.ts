export { startPlatform, type Platform, type PlatformOptions } from './embedded/platform';
export { loadPlatformConfig, type PlatformConfig } from './embedded/platform-config';
export { loadDistributedConfig, DEFAULT_DISTRIBUTED_STORE, type DistributedConfig } from './distributed/distributed-config';
export { startDistributedTopology, presentOptionalServices, OPTIONAL_SUBGRAPH_SERVICES, type DistributedTopology, type TopologyOptions, type TopologyProcess, type ProcessEnd, type ProcessRole } from './distributed/topology';
export { workerEnvironment, workerToken, WORKER_USER, BUILT_IN_ACTION_TYPES } from './distributed/worker-credential';
export { component, together, type PlatformComponent, type Stop } from './components/platform-component';
export { startComponents, type RunningComponents, type StartComponentsOptions } from './components/start-components';
