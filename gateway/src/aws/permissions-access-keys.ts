import type { Principal } from '@sluice/authz';
import { askPermissions } from '../auth/ask-permissions';
import type { InstanceUrls } from '../subgraph-instances';
import type { AccessKeyResolver } from './aws-endpoint';
import { AwsError } from './aws-errors';

const ACCESS_KEY_SECRET = 'query AccessKeySecret($id: String!) { accessKeySecret(accessKeyId: $id) { secretAccessKey principal actor accessKeyId } }';
/** Access keys do not expire (revoking is how they end): the principal's "expiry" is far away. */
const NEVER = new Date('9999-12-31T23:59:59.000Z');

interface AccessKeySecretData {
  accessKeySecret: { secretAccessKey: string; principal: Principal; actor: string; accessKeyId: string } | null;
}

/**
 * `accessKeySecret(accessKeyId)` of the permissions subgraph, asked on its own URL (the field is @inaccessible in the
 * supergraph) with the internal secret, as `permissionsAuthenticator` asks `authenticate`. Not cached: a deleted key
 * is refused on the next request.
 */
export function permissionsAccessKeys(permissionsGraphqlUrl: InstanceUrls, options: { internalSecret: string; timeoutMs?: number }): AccessKeyResolver {
  return {
    async resolve(accessKeyId) {
      const data = await askPermissions<AccessKeySecretData>(permissionsGraphqlUrl, options, { query: ACCESS_KEY_SECRET, variables: { id: accessKeyId } }, (silence) =>
        silence.kind === 'no answer'
          ? new AwsError('ServiceUnavailable', `Authentication is unavailable: the permissions service did not answer (${silence.detail}); try again.`, 503)
          : new AwsError('ServiceUnavailable', `Authentication is unavailable: ${silence.detail}`, 503),
      );
      const found = data.accessKeySecret;
      if (!found) return null;
      return { secretAccessKey: found.secretAccessKey, auth: { principal: found.principal, actor: found.actor, expiresAt: NEVER, tokenId: found.accessKeyId } };
    },
  };
}
