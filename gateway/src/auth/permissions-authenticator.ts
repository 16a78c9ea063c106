import type { Principal } from '@sluice/authz';
import { instanceUrls, type InstanceUrls } from '../subgraph-instances';
import { askPermissions } from './ask-permissions';
import type { AuthenticatedPrincipal, Authenticator } from './authenticator';

const AUTHENTICATE = 'query Authenticate($token: String!) { authenticate(token: $token) { principal expiresAt actor tokenId } }';

interface AuthenticateData {
  authenticate: { principal: Principal; expiresAt: string; actor: string; tokenId?: string | null } | null;
}

/** The permissions service could not answer: the request gets a 503, not a 401 (the token may be fine). */
export class AuthenticationUnavailableError extends Error {
  override readonly name = 'AuthenticationUnavailableError';
}

/**
 * `authenticate(token)` of the permissions subgraph, asked on its own URL (the field is @inaccessible in
 * the supergraph), with the internal secret.
 */
export function permissionsAuthenticator(permissionsGraphqlUrl: InstanceUrls, options: { internalSecret: string; timeoutMs?: number }): Authenticator {
  return {
    async authenticate(token) {
      const data = await askPermissions<AuthenticateData>(permissionsGraphqlUrl, options, { query: AUTHENTICATE, variables: { token } }, (silence) =>
        silence.kind === 'no answer'
          ? new AuthenticationUnavailableError(`the permissions service at ${instanceUrls(permissionsGraphqlUrl).join(' or ')} did not answer authenticate: ${silence.detail}`)
          : new AuthenticationUnavailableError(`the permissions service refused authenticate: ${silence.detail}`),
      );
      const found = data.authenticate;
      if (!found) return null;
      const principal: AuthenticatedPrincipal = { principal: found.principal, expiresAt: new Date(found.expiresAt), actor: found.actor };
      if (found.tokenId) principal.tokenId = found.tokenId;
      return principal;
    },
  };
}
