// The streams of a caller's credentials: written by the permissions service, read by the gateway to find whose a
// token or an access key is. Declared here, beside the policies that judge the caller, so that neither imports the other.

/** One stream per token: `token-{tokenId}`. */
export const tokenStream = (tokenId: string) => `token-${tokenId}`;

/** One stream per access key: `accesskey-AKIA…` (the id is public; the secret is only ever stored encrypted). */
export const accessKeyStream = (accessKeyId: string) => `accesskey-${accessKeyId}`;
export const ACCESS_KEY_STREAM_PREFIX = 'accesskey-';
