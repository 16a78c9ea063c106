import { endpointUrls, PERMISSIONS_SUBGRAPH, type GatewayConfig } from '../gateway-config';
import { cachingAuthenticator } from './authenticator';
import type { GatewayAuthOptions } from './gateway-auth';
import { permissionsAuthenticator } from './permissions-authenticator';

/**
 * Authentication of the gateway process (main.ts): over the `permissions` subgraph of SLUICE_SUBGRAPHS (which
 * gateway-config.ts requires: the gateway never serves unauthenticated), asked with the internal secret, answers
 * cached 5 s (never past a token's expiry), reads audited unless SLUICE_AUDIT_READS=false; browser sessions' tokens sealed
 * under the master key (decision 0057).
 */
export function gatewayAuthFrom(config: Pick<GatewayConfig, 'subgraphs' | 'internalSecret' | 'auditReads' | 'masterKeyCipher'>): GatewayAuthOptions {
  const permissions = config.subgraphs.find((s) => s.name === PERMISSIONS_SUBGRAPH);
  if (!permissions) throw new RangeError(`the gateway needs a '${PERMISSIONS_SUBGRAPH}' subgraph to authenticate with`);
  return { authenticator: cachingAuthenticator(permissionsAuthenticator(endpointUrls(permissions), { internalSecret: config.internalSecret })), auditReads: config.auditReads, sessionKey: config.masterKeyCipher };
}
