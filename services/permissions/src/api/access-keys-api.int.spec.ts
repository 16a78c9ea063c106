import { randomBytes } from 'node:crypto';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import { ACCESS_KEY_MASTER_KEY_ENV } from '../application/access-key-cipher';
import { accessKeyStream } from '@sluice/contracts';
import { dropTestSchema, newTestSchema, startPermissionsService, type PermissionsServiceProcess } from '../testing/permissions-service-process';

// Access keys through the permissions subgraph's HTTP POST /graphql, on the real PostgreSQL event store.
const schema = newTestSchema();
const masterKey = randomBytes(32).toString('base64');
let service: PermissionsServiceProcess;
let store: PostgresEventStore;
const previousKey = process.env[ACCESS_KEY_MASTER_KEY_ENV];

beforeAll(async () => {
  process.env[ACCESS_KEY_MASTER_KEY_ENV] = masterKey; // inherited by the service's child process
  service = await startPermissionsService(schema);
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  await ok('mutation { createAccount(account: "acme") { account } }');
  await ok('mutation { createUser(userName: "alice") { userName } }');
  await ok('mutation { createAccount(account: "beta") { account } }', {}, 'beta');
});

afterAll(async () => {
  if (previousKey === undefined) delete process.env[ACCESS_KEY_MASTER_KEY_ENV];
  else process.env[ACCESS_KEY_MASTER_KEY_ENV] = previousKey;
  await service?.stop();
  await store?.close();
  await dropTestSchema(schema);
});

const headersOf = (account: string) => ({ 'x-sluice-account': account, 'x-sluice-actor': 'admin', 'x-sluice-principal': 'admin' });
type Answer = { data?: Record<string, any> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
const gql = (query: string, variables: Record<string, unknown> = {}, account = 'acme') => service.graphql(query, variables, headersOf(account)) as Promise<Answer>;
async function ok(query: string, variables: Record<string, unknown> = {}, account = 'acme') {
  const answer = await gql(query, variables, account);
  if (answer.errors?.length) throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.data!;
}

const CREATE = 'mutation($p: String) { createAccessKey(principalId: $p) { accessKeyId secretAccessKey principalId account status createdAt } }';
const SECRET = 'query($id: String!) { accessKeySecret(accessKeyId: $id) { secretAccessKey principal actor accessKeyId } }';

describe('access keys', () => {
  it('creates an AKIA key shown once, lists it without the secret, and stores the secret only encrypted', async () => {
    const { createAccessKey: created } = await ok(CREATE, { p: 'alice' });
    expect(created).toEqual({ accessKeyId: expect.stringMatching(/^AKIA[A-Z2-7]{16}$/), secretAccessKey: expect.stringMatching(/^[A-Za-z0-9+/]{40}$/), principalId: 'alice', account: 'acme', status: 'ACTIVE', createdAt: expect.any(String) });

    const { listAccessKeys } = await ok('query { listAccessKeys(principalId: "alice") { accessKeyId principalId status } }');
    expect(listAccessKeys).toEqual([{ accessKeyId: created.accessKeyId, principalId: 'alice', status: 'ACTIVE' }]);
    expect(JSON.stringify(listAccessKeys)).not.toContain(created.secretAccessKey);

    const stored = await store.readStream(accessKeyStream(created.accessKeyId));
    expect(stored.map((e) => e.type)).toEqual(['AccessKeyCreated']);
    expect(JSON.stringify(stored.map((e) => [e.data, e.metadata]))).not.toContain(created.secretAccessKey);
    expect((stored[0]!.data as { encryptedSecret: string }).encryptedSecret).toMatch(/^v1\./);

    const { accessKeySecret } = await ok(SECRET, { id: created.accessKeyId });
    expect(accessKeySecret).toEqual({
      secretAccessKey: created.secretAccessKey,
      principal: { id: 'alice', account: 'acme', policies: [] },
      actor: `alice (access key ${created.accessKeyId})`,
      accessKeyId: created.accessKeyId,
    });
  });

  it('revokes a key: the lookup then answers null, and listing shows it DELETED', async () => {
    const { createAccessKey: created } = await ok(CREATE, { p: 'alice' });
    const { deleteAccessKey } = await ok('mutation($id: String!) { deleteAccessKey(accessKeyId: $id) { accessKeyId status } }', { id: created.accessKeyId });
    expect(deleteAccessKey).toEqual({ accessKeyId: created.accessKeyId, status: 'DELETED' });
    expect((await ok(SECRET, { id: created.accessKeyId })).accessKeySecret).toBeNull();
  });

  it("refuses a key for an unknown principal, and treats another account's key as not found", async () => {
    const unknown = await gql(CREATE, { p: 'nobody' });
    expect(unknown.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    const { createAccessKey: created } = await ok(CREATE, { p: 'alice' });
    const foreign = await gql('mutation($id: String!) { deleteAccessKey(accessKeyId: $id) { status } }', { id: created.accessKeyId }, 'beta');
    expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect((await ok(SECRET, { id: created.accessKeyId })).accessKeySecret).not.toBeNull();
  });

  it('answers null for ids that are not access keys', async () => {
    expect((await ok(SECRET, { id: 'AKIAAAAAAAAAAAAAAAAA' })).accessKeySecret).toBeNull();
    expect((await ok(SECRET, { id: "'; drop table" })).accessKeySecret).toBeNull();
  });
});
