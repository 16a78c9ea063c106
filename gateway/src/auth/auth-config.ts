import { ConfigError } from '@sluice/runtime';
import type { SubgraphEndpoint } from '../subgraph-config';
import { cachingAuthenticator } from './authenticator';
import type { GatewayAuthOptions } from './gateway-auth';
import { auditReadsFrom } from './gateway-auth';
import { permissionsAuthenticator } from './permissions-authenticator';

/** The subgraph the gateway authenticates tokens with. */
export const PERMISSIONS_SUBGRAPH = 'permissions';

/**
 * Authentication of the gateway process (main.ts): over the `permissions` subgraph of SLUICE_SUBGRAPHS, answers
 * cached 5 s (never past a token's expiry), reads audited unless SLUICE_AUDIT_READS=false. Without a permissions
 * subgraph the gateway does not start: it never serves unauthenticated.
 */
export function gatewayAuthFrom(subgraphs: readonly SubgraphEndpoint[], env: NodeJS.ProcessEnv): GatewayAuthOptions {
  const problems: Array<{ variable: string; reason: string }> = [];
  const permissions = subgraphs.find((s) => s.name === PERMISSIONS_SUBGRAPH);
  if (!permissions) {
    problems.push({ variable: 'SLUICE_SUBGRAPHS', reason: `names no '${PERMISSIONS_SUBGRAPH}' subgraph; the gateway authenticates every request with it (e.g. …,permissions=http://127.0.0.1:4104/graphql)` });
  }
  let auditReads = true;
  try {
    auditReads = auditReadsFrom(env);
  } catch {
    problems.push({ variable: 'SLUICE_AUDIT_READS', reason: `must be true or false, got '${env.SLUICE_AUDIT_READS}'` });
  }
  if (problems.length > 0 || !permissions) throw new ConfigError(problems);
  return { authenticator: cachingAuthenticator(permissionsAuthenticator(permissions.url)), auditReads };
}
