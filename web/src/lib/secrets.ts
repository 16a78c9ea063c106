import { request } from './graphql';

/** A secret as the dashboard lists it (decision 0043): names, versions and dates; no query answers a value. */
export interface SecretRow {
  name: string;
  description: string;
  version: number;
  updated: string;
  updatedBy: string;
}

const FIELDS = 'name description version updated updatedBy';

export async function listSecrets(): Promise<SecretRow[]> {
  return (await request<{ listSecrets: SecretRow[] }>(`query { listSecrets { ${FIELDS} } }`)).listSecrets;
}

export async function createSecret(name: string, value: string, description: string): Promise<SecretRow> {
  return (await request<{ createSecret: SecretRow }>(`mutation($n: String!, $v: String!, $d: String) { createSecret(name: $n, value: $v, description: $d) { ${FIELDS} } }`, { n: name, v: value, d: description })).createSecret;
}

export async function putSecretValue(name: string, value: string): Promise<SecretRow> {
  return (await request<{ putSecretValue: SecretRow }>(`mutation($n: String!, $v: String!) { putSecretValue(name: $n, value: $v) { ${FIELDS} } }`, { n: name, v: value })).putSecretValue;
}

export async function deleteSecret(name: string): Promise<void> {
  await request<{ deleteSecret: boolean }>('mutation($n: String!) { deleteSecret(name: $n) }', { n: name });
}
