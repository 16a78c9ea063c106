import { randomBytes } from 'node:crypto';
import { webhookSecretBinding, webhookStreamId, type WebhookPut } from '@sluice/contracts';
import { aesGcmMasterKeyCipher, MASTER_KEY_ENV } from '@sluice/runtime';
import { serviceOnStoreForFile } from '@sluice/graphql-service/testing';
import { sourceBuildDeployPipeline } from '@sluice/testing/fixtures';
import { startPipelinesService } from '../testing/pipelines-service-process';
import { newTestSchema } from '../testing/test-schema';

// Webhooks through the pipelines subgraph (decision 0039), on the real PostgreSQL store: what is stored is the
// secret sealed under the master key the process was given, never the secret itself.
const masterKey = randomBytes(32);
const schema = newTestSchema();
const running = serviceOnStoreForFile(schema, (name) => startPipelinesService(name, { [MASTER_KEY_ENV]: masterKey.toString('base64') }));
const gql = (query: string, variables: Record<string, unknown> = {}, account = 'acme') =>
  running.service.graphql(query, variables, { 'x-sluice-account': account, 'x-sluice-actor': 'alice' });

/** The stable codes of an answer's errors (decision 0030). */
const errorCodes = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => (response.errors ?? []).map((e) => e.extensions?.errorCode);

const SECRET = 'integration-webhook-secret';
const FIELDS = 'name targetPipeline targetAction filters { jsonPath matchEquals } authentication authenticationConfiguration { allowedIPRange secretTokenSet } path arn registeredWithThirdParty tags { key value }';
const PUT = `mutation($w: JSON!, $tags: [TagInput!]) { putWebhook(webhook: $w, tags: $tags) { ${FIELDS} } }`;
const LIST = `query($first: Int, $after: String) { webhooks(first: $first, after: $after) { nodes { ${FIELDS} } pageInfo { hasNextPage endCursor } } }`;
const definition = {
  name: 'on-push',
  targetPipeline: 'web',
  targetAction: 'Checkout',
  filters: [{ jsonPath: '$.ref', matchEquals: 'refs/heads/{Branch}' }],
  authentication: 'GITHUB_HMAC',
  authenticationConfiguration: { SecretToken: SECRET },
};

beforeAll(async () => {
  const created = await gql('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: sourceBuildDeployPipeline('web') });
  expect(created.errors).toBeUndefined();
});

describe('putWebhook / webhooks / deleteWebhook', () => {
  it('stores the secret token sealed under the master key, bound to the account and name, and never answers it', async () => {
    const put = await gql(PUT, { w: definition, tags: [{ key: 'team', value: 'web' }] });
    expect(put.errors).toBeUndefined();
    expect(put.data!.putWebhook).toMatchObject({
      name: 'on-push',
      authenticationConfiguration: { allowedIPRange: null, secretTokenSet: true },
      path: expect.stringMatching(/^\/webhooks\/aws\/[0-9a-f]{40}$/),
      arn: 'srn:sluice:acme:webhook/on-push',
      registeredWithThirdParty: false,
      tags: [{ key: 'team', value: 'web' }],
    });
    expect(JSON.stringify(put.data)).not.toContain(SECRET);

    const [stored] = await running.store.readStream(webhookStreamId('acme', 'on-push'));
    expect(JSON.stringify(stored!.data)).not.toContain(SECRET);
    const sealed = (stored!.data as WebhookPut['data']).sealedSecretToken!;
    const cipher = aesGcmMasterKeyCipher(masterKey);
    expect(await cipher.open(sealed, webhookSecretBinding('acme', 'on-push'))).toBe(SECRET);
    await expect(cipher.open(sealed, webhookSecretBinding('beta', 'on-push'))).rejects.toThrow();
  });

  it("lists the account's webhooks by name, in pages, and no other account's", async () => {
    expect((await gql(PUT, { w: { ...definition, name: 'another', authentication: 'UNAUTHENTICATED', authenticationConfiguration: {} } })).errors).toBeUndefined();
    const first = await gql(LIST, { first: 1 });
    expect(first.data!.webhooks.nodes.map((w: { name: string }) => w.name)).toEqual(['another']);
    expect(first.data!.webhooks.pageInfo.hasNextPage).toBe(true);
    const second = await gql(LIST, { first: 1, after: first.data!.webhooks.pageInfo.endCursor });
    expect(second.data!.webhooks.nodes.map((w: { name: string }) => w.name)).toEqual(['on-push']);
    expect((await gql(LIST, {}, 'beta')).data!.webhooks.nodes).toEqual([]);
    expect(errorCodes(await gql(LIST, { after: 'not-a-cursor' }))).toEqual(['INVALID_CURSOR']);
  });

  it('refuses a target another account has (not found in this one), and deletes idempotently', async () => {
    expect(errorCodes(await gql(PUT, { w: definition }, 'beta'))).toEqual(['PIPELINE_NOT_FOUND']);
    for (let i = 0; i < 2; i++) expect((await gql('mutation { deleteWebhook(name: "another") }')).data).toEqual({ deleteWebhook: true });
    expect(await running.store.readStream(webhookStreamId('acme', 'another'))).toHaveLength(2);
    expect(errorCodes(await gql('mutation { registerWebhookWithThirdParty(name: "another") { name } }'))).toEqual(['WEBHOOK_NOT_FOUND']);
  });
});
