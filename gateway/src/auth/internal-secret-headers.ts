import { INTERNAL_SECRET_ENV, INTERNAL_SECRET_HEADER } from '../caller-headers';

/** The header that lets the gateway through a subgraph's internal-secret check (none when SLUICE_INTERNAL_SECRET is unset). */
export function internalSecretHeaders(secret?: string): Record<string, string> {
  const value = secret ?? process.env[INTERNAL_SECRET_ENV];
  return value ? { [INTERNAL_SECRET_HEADER]: value } : {};
}
