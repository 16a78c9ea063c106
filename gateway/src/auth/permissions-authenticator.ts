import type { Principal } from '@sluice/authz';
import { internalSecretHeaders } from './internal-secret-headers';
import type { AuthenticatedPrincipal, Authenticator } from './authenticator';

const AUTHENTICATE = 'query Authenticate($token: String!) { authenticate(token: $token) { principal expiresAt actor tokenId } }';

interface Answer {
  data?: { authenticate: { principal: Principal; expiresAt: string; actor: string; tokenId?: string | null } | null } | null;
  errors?: Array<{ message: string }>;
}

/** The permissions service could not answer: the request gets a 503, not a 401 (the token may be fine). */
export class AuthenticationUnavailableError extends Error {
  override readonly name = 'AuthenticationUnavailableError';
}

/**
 * `authenticate(token)` of the permissions subgraph, asked on its own URL (the field is @inaccessible in
 * the supergraph), with the internal secret.
 */
export function permissionsAuthenticator(permissionsGraphqlUrl: string, options: { internalSecret: string; timeoutMs?: number }): Authenticator {
  return {
    async authenticate(token) {
      let answer: Answer;
      try {
        const response = await fetch(permissionsGraphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...internalSecretHeaders(options.internalSecret) },
          body: JSON.stringify({ query: AUTHENTICATE, variables: { token } }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        answer = (await response.json()) as Answer;
      } catch (error) {
        throw new AuthenticationUnavailableError(`the permissions service at ${permissionsGraphqlUrl} did not answer authenticate: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (answer.errors?.length || answer.data === undefined || answer.data === null) {
        throw new AuthenticationUnavailableError(`the permissions service refused authenticate: ${answer.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
      }
      const found = answer.data.authenticate;
      if (!found) return null;
      const principal: AuthenticatedPrincipal = { principal: found.principal, expiresAt: new Date(found.expiresAt), actor: found.actor };
      if (found.tokenId) principal.tokenId = found.tokenId;
      return principal;
    },
  };
}
