import { bindAddressFrom } from './bind-address';
import { INTERNAL_SECRET_ENV, internalSecretConfigProblem, InternalSecretConfigError } from './internal-secret';

/** Where and to whom a subgraph answers: what a service's config (`<service>-config.ts`) reads, or the platform picks. */
export interface SubgraphServeConfig {
  /** 0 picks a free port. */
  port: number;
  /** The address to listen on: loopback unless the operator says otherwise (SLUICE_BIND_ADDRESS). */
  host: string;
  /** What every request but `/healthz` and `/readyz` must carry (SLUICE_INTERNAL_SECRET; decision 0021). */
  internalSecret: string;
}

/**
 * SLUICE_BIND_ADDRESS and SLUICE_INTERNAL_SECRET, for a service's config: a missing or short secret throws
 * `InternalSecretConfigError` naming the variable, as does a bad address.
 */
export function subgraphServeConfigFrom(env: Readonly<Record<string, string | undefined>>, port: number): SubgraphServeConfig {
  const internalSecret = env[INTERNAL_SECRET_ENV];
  const problem = internalSecretConfigProblem(internalSecret);
  if (problem !== undefined) throw new InternalSecretConfigError(problem);
  return { port, host: bindAddressFrom(env), internalSecret: internalSecret! };
}

/** What every `create<Service>Service` takes to serve its subgraph, beside what it runs on. */
export interface SubgraphServiceOptions {
  /** Its port, address and the gateway's secret (its `<service>-config.ts`, or the platform's choice). */
  serve: SubgraphServeConfig;
  log?: (line: string) => void;
  /** What `/readyz` checks (the store, and the bus where it has one, in distributed mode). */
  readiness?: () => Promise<{ ready: boolean }>;
}

/** A service serving its subgraph. */
export interface SubgraphService {
  /** Base URL; the subgraph answers at `${url}/graphql`. */
  url: string;
  /** Stops serving and what the service started; what it was given (the store, the bus) stays open: its owner closes it. */
  stop(): Promise<void>;
}
