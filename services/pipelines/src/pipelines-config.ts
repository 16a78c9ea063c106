import { subgraphServeConfigFrom, type SubgraphServeConfig } from '@sluice/graphql-service/caller';
import { loadRuntimeConfig, masterKeyCipherFromEnv, type Env, type MasterKeyCipher, type RuntimeConfig } from '@sluice/runtime';

/** Everything the pipelines service takes from its environment. */
export interface PipelinesConfig {
  /** The event store (SLUICE_EVENT_STORE, …) and the port (SLUICE_PORT). */
  runtime: RuntimeConfig;
  /** Where it listens (SLUICE_BIND_ADDRESS) and the gateway's secret (SLUICE_INTERNAL_SECRET). */
  serve: SubgraphServeConfig;
  /** Seals webhook secret tokens: SLUICE_ACCESS_KEY_MASTER_KEY, else the key kept in SLUICE_DATA_DIR (decision 0039). */
  masterKeyCipher: MasterKeyCipher;
}

/** The one reader of the environment in the pipelines service: composition and the API take what this returns. */
export function loadPipelinesConfig(env: Env): PipelinesConfig {
  const runtime = loadRuntimeConfig(env);
  return { runtime, serve: subgraphServeConfigFrom(env, runtime.port), masterKeyCipher: masterKeyCipherFromEnv(env) };
}
