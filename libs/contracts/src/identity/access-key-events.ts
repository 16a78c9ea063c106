
export type AccessKeyEvent =
  | {
      type: 'AccessKeyCreated';
      /** `encryptedSecret`: AES-256-GCM under the server's access-key master key (decision 0024), never the secret in clear. */
      data: { accessKeyId: string; account: string; principalId: string; encryptedSecret: string; createdAt: string };
    }
  | { type: 'AccessKeyDeleted'; data: { deletedAt: string } };
