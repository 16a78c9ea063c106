import { INTERNAL_SECRET_HEADER } from '../caller-headers';

/** The header that lets the gateway through a subgraph's (or a triggers process's) internal-secret check. */
export function internalSecretHeaders(secret: string): Record<string, string> {
  return { [INTERNAL_SECRET_HEADER]: secret };
}
