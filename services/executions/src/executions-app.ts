import { serveSubgraph, type ServeSubgraphOptions, type SubgraphServeConfig } from '@sluice/graphql-service';
import { ConfigError, type BusConfig } from '@sluice/runtime';
import { ExecutionsApiModule } from './api/executions-api.module';
import { createExecutionsEngine, type ExecutionsEngine, type ExecutionsEngineOptions } from './executions-engine';

export interface ExecutionsAppOptions extends Omit<ExecutionsEngineOptions, 'onError'> {
  /** Its port, address and the gateway's secret. */
  serve: SubgraphServeConfig;
  log?: (line: string) => void;
  /** What `/readyz` checks (the store and the bus, in distributed mode). */
  readiness?: ServeSubgraphOptions['readiness'];
}

export interface ExecutionsApp {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  engine: ExecutionsEngine;
  /** Ends long polls, stops serving and the engine; the store and the bus stay open (their owner closes them). */
  stop(): Promise<void>;
}

/** The executions subgraph on a given store and bus: composition only. */
export async function createExecutionsApp(options: ExecutionsAppOptions): Promise<ExecutionsApp> {
  const { serve, log = (line: string) => console.log(line), readiness, ...engineOptions } = options;
  const engine = await createExecutionsEngine({ ...engineOptions, onError: (error, context) => log(`executions engine: ${context}: ${describe(error)}`) });
  const shutdown = new AbortController();
  const module = ExecutionsApiModule.register({ engine, shutdown: shutdown.signal, log, internalSecret: serve.internalSecret });
  const served = await serveSubgraph(module, { ...serve, readiness, stopAfter: () => engine.stop() });
  return {
    url: served.url,
    engine,
    async stop() {
      shutdown.abort();
      await served.close();
    },
  };
}

const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/** Whether this process relays the store's events to the bus (`SLUICE_RELAY`). */
export type RelayConfig = { kind: 'off' } | { kind: 'pipeline-events' } | { kind: 'all-events' };

/**
 * The engine learns definitions from pipeline events on the bus. An in-process bus hears only this
 * process, so the relay must run here (pipeline events only, as the engine needs): on by default,
 * `SLUICE_RELAY=0` is an error. On Kafka one relay serves the deployment: off by default,
 * `SLUICE_RELAY=1` makes this process that relay (every event, checkpoint in the store).
 */
export function relayConfigFrom(env: Record<string, string | undefined>, bus: BusConfig): RelayConfig {
  const raw = env.SLUICE_RELAY?.trim() ?? '';
  if (raw !== '' && raw !== '0' && raw !== '1') throw new ConfigError([{ variable: 'SLUICE_RELAY', reason: `'${raw}' is not 0 or 1` }]);
  if (bus.kind === 'in-process') {
    if (raw === '0') {
      throw new ConfigError([{ variable: 'SLUICE_RELAY', reason: 'the in-process bus hears only this process: its relay must run here (set SLUICE_KAFKA_BROKERS to relay elsewhere)' }]);
    }
    return { kind: 'pipeline-events' };
  }
  return raw === '1' ? { kind: 'all-events' } : { kind: 'off' };
}
