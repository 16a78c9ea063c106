import { ConfigError } from '@sluice/runtime';
import { DEFAULT_GATEWAY_LIMITS, gatewayLimitsFrom, withLimits } from './limits-config';

describe('gatewayLimitsFrom', () => {
  it('has generous defaults', () => {
    expect(gatewayLimitsFrom({})).toEqual(DEFAULT_GATEWAY_LIMITS);
    expect(DEFAULT_GATEWAY_LIMITS).toMatchObject({
      graphql: { maxDepth: 12, maxAliases: 100, maxRootFields: 100, maxQueryBytes: 131072, maxCost: 100_000 },
      perAddress: { perSecond: 200, burst: 2000 },
      perPrincipal: { perSecond: 100, burst: 1000 },
      refusalFlushMs: 60_000,
      metricsPublic: false,
    });
  });

  it('reads every variable', () => {
    const limits = gatewayLimitsFrom({
      SLUICE_GRAPHQL_MAX_DEPTH: '8',
      SLUICE_GRAPHQL_MAX_ALIASES: '10',
      SLUICE_GRAPHQL_MAX_ROOT_FIELDS: '5',
      SLUICE_GRAPHQL_MAX_QUERY_BYTES: '4096',
      SLUICE_GRAPHQL_MAX_COST: '1000',
      SLUICE_RATE_LIMIT_PER_ADDRESS: '0',
      SLUICE_RATE_LIMIT_ADDRESS_BURST: '5',
      SLUICE_RATE_LIMIT_PER_PRINCIPAL: '3',
      SLUICE_RATE_LIMIT_PRINCIPAL_BURST: '6',
      SLUICE_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '2',
      SLUICE_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '4',
      SLUICE_AUDIT_REFUSALS_FLUSH_SECONDS: '1',
      SLUICE_AUDIT_REFUSALS_MAX_KEYS: '50',
      SLUICE_METRICS_PUBLIC: 'true',
      SLUICE_TRUSTED_PROXIES: '127.0.0.1, ::1',
    });
    expect(limits).toEqual({
      graphql: { maxDepth: 8, maxAliases: 10, maxRootFields: 5, maxQueryBytes: 4096, maxCost: 1000 },
      perAddress: { perSecond: 0, burst: 5 },
      perPrincipal: { perSecond: 3, burst: 6 },
      connectionsPerPrincipal: 2,
      subscriptionsPerConnection: 4,
      refusalFlushMs: 1000,
      refusalMaxKeys: 50,
      metricsPublic: true,
      trustedProxies: ['127.0.0.1', '::1'],
    });
  });

  it('refuses bad values, naming each variable', () => {
    const read = () => gatewayLimitsFrom({ SLUICE_GRAPHQL_MAX_DEPTH: '0', SLUICE_RATE_LIMIT_PER_PRINCIPAL: 'lots', SLUICE_METRICS_PUBLIC: 'yes', SLUICE_GRAPHQL_MAX_COST: '1.5', SLUICE_TRUSTED_PROXIES: '127.0.0.1,balancer' });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      [
        'Invalid configuration:',
        "  SLUICE_GRAPHQL_MAX_DEPTH: '0' is not a whole number from 1 to 1000",
        "  SLUICE_GRAPHQL_MAX_COST: '1.5' is not a whole number from 1 to 1000000000",
        "  SLUICE_RATE_LIMIT_PER_PRINCIPAL: 'lots' is not a whole number from 0 to 1000000",
        "  SLUICE_METRICS_PUBLIC: must be true or false, got 'yes'",
        "  SLUICE_TRUSTED_PROXIES: 'balancer' is not an IP address (addresses of the load balancers, separated by commas)",
      ].join('\n'),
    );
  });

  it('overrides part by part', () => {
    expect(withLimits(DEFAULT_GATEWAY_LIMITS, { graphql: { maxAliases: 3 }, perAddress: { perSecond: 1 } })).toEqual({
      ...DEFAULT_GATEWAY_LIMITS,
      graphql: { ...DEFAULT_GATEWAY_LIMITS.graphql, maxAliases: 3 },
      perAddress: { perSecond: 1, burst: 2000 },
    });
  });
});
