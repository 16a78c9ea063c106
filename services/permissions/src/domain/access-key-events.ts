/** One stream per access key: `accesskey-AKIA…` (the id is public; the secret is only ever stored encrypted). */
export const accessKeyStream = (accessKeyId: string) => `accesskey-${accessKeyId}`;
export const ACCESS_KEY_STREAM_PREFIX = 'accesskey-';

export type AccessKeyEvent =
  | {
      type: 'AccessKeyCreated';
      /** `encryptedSecret`: AES-256-GCM under the server's access-key master key (decision 0024), never the secret in clear. */
      data: { accessKeyId: string; account: string; principalId: string; encryptedSecret: string; createdAt: string };
    }
  | { type: 'AccessKeyDeleted'; data: { deletedAt: string } };
