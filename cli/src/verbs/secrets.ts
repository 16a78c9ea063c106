import type { Verb } from '../verb';

const SECRET = 'name description version arn created createdBy updated updatedBy';

/**
 * The account's secrets (decision 0043), named as AWS Secrets Manager's CLI names them. A value goes in (from the
 * option, or `--secret-string file://…` as every string option reads files), never comes back out.
 */
export const secretVerbs: Verb[] = [
  {
    name: 'create-secret',
    summary: 'Creates a secret (version 1). Its value is sealed under the server’s master key and never shown again.',
    parameters: [
      { name: 'name', type: 'string', required: true, description: 'Letters, digits, ".", "@", "_", "-": referenced as #{secrets.Name} or by a SECRETS_MANAGER variable.' },
      { name: 'secretString', type: 'string', required: true, description: 'The value (a JSON object for `Name:json-key` references).' },
      { name: 'description', type: 'string', description: 'What it is for.' },
    ],
    examples: ['sluice create-secret --name DeployToken --secret-string file://token.txt', `sluice create-secret --name Db --secret-string '{"user":"app","password":"…"}'`],
    async run(input, { gateway }) {
      const data = await gateway.request<{ createSecret: unknown }>(`mutation($name: String!, $value: String!, $description: String) { createSecret(name: $name, value: $value, description: $description) { ${SECRET} } }`, {
        name: input['name'],
        value: input['secretString'],
        description: input['description'] ?? null,
      });
      return data.createSecret;
    },
  },
  {
    name: 'put-secret-value',
    summary: 'Rotates a secret: the value becomes a new version, the one jobs receive from now on.',
    parameters: [
      { name: 'secretId', type: 'string', required: true, description: 'The secret’s name.' },
      { name: 'secretString', type: 'string', required: true, description: 'The new value.' },
    ],
    examples: ['sluice put-secret-value --secret-id DeployToken --secret-string file://new-token.txt'],
    async run(input, { gateway }) {
      const data = await gateway.request<{ putSecretValue: unknown }>(`mutation($name: String!, $value: String!) { putSecretValue(name: $name, value: $value) { ${SECRET} } }`, {
        name: input['secretId'],
        value: input['secretString'],
      });
      return data.putSecretValue;
    },
  },
  {
    name: 'list-secrets',
    summary: 'Lists the account’s secrets: names, versions and dates, never a value.',
    parameters: [],
    examples: ['sluice list-secrets --output table'],
    async run(_input, { gateway }) {
      const data = await gateway.request<{ listSecrets: unknown[] }>(`query { listSecrets { ${SECRET} } }`);
      return { secretList: data.listSecrets };
    },
  },
  {
    name: 'delete-secret',
    summary: 'Deletes a secret: jobs that reference it fail until one of that name is created again.',
    parameters: [{ name: 'secretId', type: 'string', required: true, description: 'The secret’s name.' }],
    examples: ['sluice delete-secret --secret-id DeployToken'],
    async run(input, { gateway }) {
      await gateway.request<{ deleteSecret: boolean }>('mutation($name: String!) { deleteSecret(name: $name) }', { name: input['secretId'] });
      return { name: input['secretId'], deleted: true };
    },
  },
];
