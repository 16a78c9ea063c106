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
