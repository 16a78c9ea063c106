import type { Principal } from '@sluice/authz';
import { internalSecretHeaders } from '../auth/internal-secret-headers';
import type { AccessKeyResolver } from './aws-endpoint';
import { AwsError } from './aws-errors';

const ACCESS_KEY_SECRET = 'query AccessKeySecret($id: String!) { accessKeySecret(accessKeyId: $id) { secretAccessKey principal actor accessKeyId } }';
/** Access keys do not expire (revoking is how they end): the principal's "expiry" is far away. */
const NEVER = new Date('9999-12-31T23:59:59.000Z');

interface Answer {
  data?: { accessKeySecret: { secretAccessKey: string; principal: Principal; actor: string; accessKeyId: string } | null } | null;
  errors?: Array<{ message: string }>;
}

/**
 * `accessKeySecret(accessKeyId)` of the permissions subgraph, asked on its own URL (the field is @inaccessible in the
 * supergraph) with the internal secret, as `permissionsAuthenticator` asks `authenticate`. Not cached: a deleted key
 * is refused on the next request.
 */
export function permissionsAccessKeys(permissionsGraphqlUrl: string, options: { internalSecret: string; timeoutMs?: number }): AccessKeyResolver {
  return {
    async resolve(accessKeyId) {
      let answer: Answer;
      try {
        const response = await fetch(permissionsGraphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...internalSecretHeaders(options.internalSecret) },
          body: JSON.stringify({ query: ACCESS_KEY_SECRET, variables: { id: accessKeyId } }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        answer = (await response.json()) as Answer;
      } catch (error) {
        throw new AwsError('ServiceUnavailable', `Authentication is unavailable: the permissions service did not answer (${error instanceof Error ? error.message : String(error)}); try again.`, 503);
      }
      if (answer.errors?.length || !answer.data) {
        throw new AwsError('ServiceUnavailable', `Authentication is unavailable: ${answer.errors?.map((e) => e.message).join('; ') ?? 'no data'}`, 503);
      }
      const found = answer.data.accessKeySecret;
      if (!found) return null;
      return { secretAccessKey: found.secretAccessKey, auth: { principal: found.principal, actor: found.actor, expiresAt: NEVER, tokenId: found.accessKeyId } };
    },
  };
}
