// One stream per access key, `accesskey-AKIA…`: declared in @sluice/authz, which the gateway reads it with.
export { accessKeyStream, ACCESS_KEY_STREAM_PREFIX } from '@sluice/authz';

export type AccessKeyEvent =
  | {
      type: 'AccessKeyCreated';
      /** `encryptedSecret`: AES-256-GCM under the server's access-key master key (decision 0024), never the secret in clear. */
      data: { accessKeyId: string; account: string; principalId: string; encryptedSecret: string; createdAt: string };
    }
  | { type: 'AccessKeyDeleted'; data: { deletedAt: string } };
