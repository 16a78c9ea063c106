import { isIP } from 'node:net';
import { ConfigError, type ConfigProblems } from '@sluice/runtime';
import { GRAPHQL_LIMIT_VARIABLES, type GraphQLLimits } from './operation-complexity';
import type { RateLimit } from './token-buckets';

/**
 * Everything a caller can make the gateway do, bounded (DESIGN.md, trust boundaries). Rate limits and connection
 * counts are kept in each gateway process's memory: N gateway processes let N times the rate through.
 */
export interface GatewayLimits {
  graphql: GraphQLLimits;
  /**
   * Requests per source address to /graphql, /aws, /webhooks/…, /artifacts/…, /metrics: the socket's peer, or, when the
   * peer is one of `trustedProxies`, the address that proxy appended to `X-Forwarded-For` (client-address.ts).
   */
  perAddress: RateLimit;
  /** Requests per authenticated principal to /graphql and /aws. */
  perPrincipal: RateLimit;
  /** Open graphql-ws connections of one principal. */
  connectionsPerPrincipal: number;
  /** Subscriptions running at once on one graphql-ws connection. */
  subscriptionsPerConnection: number;
  /** How often refused and unauthenticated calls are written to the audit trail, one record per source, reason and period. */
  refusalFlushMs: number;
  /** Sources × reasons counted between two flushes; beyond, refusals are only counted (one overflow record). */
  refusalMaxKeys: number;
  /** `/metrics` without a token (SLUICE_METRICS_PUBLIC=true), for a scraper on a private network. */
  metricsPublic: boolean;
  /** SLUICE_TRUSTED_PROXIES: addresses of the load balancers in front of the gateways; none by default. */
  trustedProxies: readonly string[];
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  // Introspection (graphql-js's getIntrospectionQuery) is 1 deep and costs ~220; the dashboard's deepest query is 6 deep,
  // its costliest (a page of 5,000 log lines) ~50,000; a job worker acknowledges a batch of 100 jobs with 100 aliases.
  graphql: { maxDepth: 12, maxAliases: 100, maxRootFields: 100, maxQueryBytes: 128 * 1024, maxCost: 100_000 },
  perAddress: { perSecond: 200, burst: 2_000 },
  perPrincipal: { perSecond: 100, burst: 1_000 },
  connectionsPerPrincipal: 100,
  subscriptionsPerConnection: 100,
  refusalFlushMs: 60_000,
  refusalMaxKeys: 10_000,
  metricsPublic: false,
  trustedProxies: [],
};

type Env = Readonly<Record<string, string | undefined>>;

function wholeNumber(env: Env, variable: string, fallback: number, min: number, max: number, problems: ConfigProblems): number {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push({ variable, reason: `'${raw}' is not a whole number from ${min} to ${max}` });
    return fallback;
  }
  return value;
}

function flag(env: Env, variable: string, problems: ConfigProblems): boolean {
  const raw = env[variable]?.trim();
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  problems.push({ variable, reason: `must be true or false, got '${raw}'` });
  return false;
}

/** IP addresses separated by commas (`::ffff:`-mapped IPv4 is matched as IPv4, client-address.ts). */
function addresses(env: Env, variable: string, problems: ConfigProblems): string[] {
  const list = (env[variable] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  for (const address of list) if (isIP(address) === 0) problems.push({ variable, reason: `'${address}' is not an IP address (addresses of the load balancers, separated by commas)` });
  return list;
}

/**
 * The gateway's limits from the environment, each variable checked; a bad value stops the start with the variable named
 * (ConfigError). `0` turns a rate limit off.
 */
export function gatewayLimitsFrom(env: Env): GatewayLimits {
  const problems: ConfigProblems = [];
  const d = DEFAULT_GATEWAY_LIMITS;
  const graphqlLimit = (name: keyof GraphQLLimits, min: number, max: number) => wholeNumber(env, GRAPHQL_LIMIT_VARIABLES[name], d.graphql[name], min, max, problems);
  const limits: GatewayLimits = {
    graphql: {
      maxDepth: graphqlLimit('maxDepth', 1, 1_000),
      maxAliases: graphqlLimit('maxAliases', 0, 100_000),
      maxRootFields: graphqlLimit('maxRootFields', 1, 100_000),
      maxQueryBytes: graphqlLimit('maxQueryBytes', 64, 64 * 1024 * 1024),
      maxCost: graphqlLimit('maxCost', 1, 1_000_000_000),
    },
    perAddress: {
      perSecond: wholeNumber(env, 'SLUICE_RATE_LIMIT_PER_ADDRESS', d.perAddress.perSecond, 0, 1_000_000, problems),
      burst: wholeNumber(env, 'SLUICE_RATE_LIMIT_ADDRESS_BURST', d.perAddress.burst, 1, 10_000_000, problems),
    },
    perPrincipal: {
      perSecond: wholeNumber(env, 'SLUICE_RATE_LIMIT_PER_PRINCIPAL', d.perPrincipal.perSecond, 0, 1_000_000, problems),
      burst: wholeNumber(env, 'SLUICE_RATE_LIMIT_PRINCIPAL_BURST', d.perPrincipal.burst, 1, 10_000_000, problems),
    },
    connectionsPerPrincipal: wholeNumber(env, 'SLUICE_WS_MAX_CONNECTIONS_PER_PRINCIPAL', d.connectionsPerPrincipal, 1, 1_000_000, problems),
    subscriptionsPerConnection: wholeNumber(env, 'SLUICE_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION', d.subscriptionsPerConnection, 1, 1_000_000, problems),
    refusalFlushMs: wholeNumber(env, 'SLUICE_AUDIT_REFUSALS_FLUSH_SECONDS', d.refusalFlushMs / 1000, 1, 3_600, problems) * 1000,
    refusalMaxKeys: wholeNumber(env, 'SLUICE_AUDIT_REFUSALS_MAX_KEYS', d.refusalMaxKeys, 1, 10_000_000, problems),
    metricsPublic: flag(env, 'SLUICE_METRICS_PUBLIC', problems),
    trustedProxies: addresses(env, 'SLUICE_TRUSTED_PROXIES', problems),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return limits;
}

/** `limits` over the defaults, part by part (a test or the embedded platform overriding one limit). */
export function withLimits(base: GatewayLimits, override: GatewayLimitsOverride = {}): GatewayLimits {
  return {
    ...base,
    ...override,
    graphql: { ...base.graphql, ...override.graphql },
    perAddress: { ...base.perAddress, ...override.perAddress },
    perPrincipal: { ...base.perPrincipal, ...override.perPrincipal },
  };
}

export type GatewayLimitsOverride = Partial<Omit<GatewayLimits, 'graphql' | 'perAddress' | 'perPrincipal'>> & {
  graphql?: Partial<GraphQLLimits>;
  perAddress?: Partial<RateLimit>;
  perPrincipal?: Partial<RateLimit>;
};
