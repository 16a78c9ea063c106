import { randomBytes, randomUUID } from 'node:crypto';
import { appendAuditRecord, fixedAuditChainKey, type AuditRecord } from '@sluice/authz';
import { TEST_AUDIT_KEY } from '@sluice/authz/testing';
import { createPostgresEventStore, DurableRebuildable, SqlReadModelDatabase, type PostgresEventStore } from '@sluice/eventing';
import { isEqual, rebuiltSkipping } from '@sluice/eventing/testing';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { aesGcmCipher } from '../application/access-key-cipher';
import type { AccessKeyHandlers } from '../application/access-key-handlers';
import type { AssumeRoleHandler } from '../application/assume-role';
import { inMemoryAuditCheckpoints } from '../application/audit-checkpoints';
import type { Caller } from '../application/caller';
import type { IdentityCommandHandlers } from '../application/identity-command-handlers';
import { composePermissions } from '../permissions-service';
import { AuditReadModel } from './audit-read-model';
import { PermissionsProjection } from './permissions-projection';
import { permissionsProjections } from './permissions-read-models';

// Every projection of the permissions service rebuilt from the store into fresh state equals the live one
// after a history of two accounts written through the application layer: users, roles, groups, policies
// attached and detached, tokens created and revoked, a role session, access keys, and audit trails.
const schema = newTestSchema('perms');
let store: PostgresEventStore;
let projection: PermissionsProjection;
let identities: IdentityCommandHandlers;
let accessKeys: AccessKeyHandlers;
let assumeRole: AssumeRoleHandler;
let tick = 0;
const clock = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++));
const caller = (account: string, actor: string): Caller => ({ account, actor, principalId: actor, tokenId: null, sourceIp: null, userAgent: null });
const allow = (Action: string, Resource: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource }] });

beforeAll(async () => {
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  projection = new PermissionsProjection(store);
  await projection.start();
  const auditTrail = { key: fixedAuditChainKey(TEST_AUDIT_KEY), checkpoints: inMemoryAuditCheckpoints() };
  ({ identities, accessKeys, assumeRole } = composePermissions(store, projection, { clock, accessKeyCipher: aesGcmCipher(randomBytes(32)), auditTrail }));
});

afterAll(async () => {
  await projection?.stop();
  await store?.close();
  await dropTestSchema(schema);
  await dropTestSchema(`${schema}_rebuilt`);
});

function auditRecord(account: string, principal: string, n: number): AuditRecord {
  return {
    id: randomUUID(),
    time: clock().toISOString(),
    principal: { id: principal, account },
    viaRole: null,
    operation: n % 2 === 0 ? 'sluice:GetPipelineState' : 'sluice:StartPipelineExecution',
    resource: `srn:sluice:${account}:web`,
    requestParameters: { name: 'web' },
    decision: n % 3 === 0 ? 'ImplicitDeny' : 'Allow',
    decidingStatement: n % 3 === 0 ? null : { policyName: 'Operator', index: 0 },
    result: n % 3 === 0 ? { status: 'denied' } : { status: 'succeeded' },
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    requestId: randomUUID(),
  };
}

const rebuilt = (skipping?: string) => rebuiltSkipping(store, permissionsProjections(), skipping);
/** The durable audit trails rebuilt from zero into a schema of their own (the live tables stay as they are). */
async function rebuiltAudit(skipping?: string) {
  const side = new SqlReadModelDatabase(store.database, `${schema}_rebuilt`);
  const [copy] = await rebuiltSkipping(store, [new DurableRebuildable(side, new AuditReadModel(side))], skipping);
  return copy!.contents();
}

describe('rebuilding the permissions service’s projections', () => {
  it('rebuilds every projection from the store equal to the live one, and misses any event type skipped', async () => {
    const system = caller('system', 'bootstrap');
    for (const account of ['acme', 'globex']) {
      const admin = caller(account, 'admin');
      await identities.createAccount(system, account, 'admin');
      for (const user of ['alice', 'bob']) await identities.createUser(admin, user);
      await identities.createGroup(admin, 'developers');
      await identities.addUserToGroup(admin, 'developers', 'alice');
      await identities.addUserToGroup(admin, 'developers', 'bob');
      await identities.attachPolicy(admin, 'GROUP', 'developers', { managedPolicy: 'ReadOnly' });
      await identities.attachPolicy(admin, 'USER', 'alice', { policyName: 'Assume', document: allow('sluice:AssumeRole', `srn:sluice:${account}:*`) });
      await identities.attachPolicy(admin, 'USER', 'bob', { managedPolicy: 'Operator' });
      await identities.detachPolicy(admin, 'USER', 'bob', 'Operator');
      await identities.createRole(admin, {
        roleName: 'Deployer',
        trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Sluice: [`srn:sluice:${account}:principal/alice`] }, Action: 'sluice:AssumeRole' }] },
        maxSessionDurationSeconds: 7200,
        description: 'deploys',
      });
      await identities.attachPolicy(admin, 'ROLE', 'Deployer', { managedPolicy: 'Operator' });
      const session = await assumeRole.assumeRole(caller(account, 'alice'), { role: 'Deployer', sessionName: 'release-1' });
      const token = await identities.createToken(admin, 'bob', 3600, 'ci');
      await identities.revokeToken(admin, token.tokenId);
      await identities.revokeToken(admin, session.tokenId);
      await identities.createToken(admin, 'alice', null, null);
      const key = await accessKeys.createAccessKey(admin, 'alice');
      await accessKeys.createAccessKey(admin, 'bob');
      await accessKeys.deleteAccessKey(admin, key.accessKeyId);
      for (let n = 0; n < 5; n++) await appendAuditRecord(store, auditRecord(account, n % 2 === 0 ? 'alice' : 'bob', n));
      // A change recorded before it ran, and its outcome (decision 0028).
      const attempt = await appendAuditRecord(store, { ...auditRecord(account, 'alice', 5), result: { status: 'attempted' } });
      await appendAuditRecord(store, { ...auditRecord(account, 'alice', 6), resultOf: attempt.id });
    }
    // A cache the live model fills and a rebuilt one has not: not content.
    projection.identities.authorizationPrincipal('acme', 'alice');
    const history = await store.readAll({ fromPosition: 'start', maxCount: 10_000 });
    const lastOf = (prefixes: readonly string[]) => history.filter((e) => prefixes.some((p) => e.streamId.startsWith(p))).at(-1)!.position;
    await projection.waitForPosition(lastOf(projection.models.streamPrefixes));
    await projection.auditProjection.waitForPosition(lastOf(projection.audit.streamPrefixes));

    const copies = await rebuilt();
    const live = projection.models;
    const contents = live.contents();
    expect([...contents.identities.principals.keys()]).toHaveLength(8);
    expect([...contents.identities.tokens.values()].filter((token) => token.revokedAt !== null)).toHaveLength(4);
    for (const copy of copies) {
      expect(copy.name).toBe(live.name);
      expect(copy.contents()).toEqual(contents);
      expect(copy.checkpoint()).toBe(live.checkpoint());
    }
    // The audit trails are a durable read model (decision 0048): its tables rebuilt from zero equal the live ones.
    const audit = await projection.audit.contents();
    expect(audit.get('acme')).toHaveLength(7);
    expect(await rebuiltAudit()).toEqual(audit);

    // Every event type of the history matters: a rebuild blind to any one of them differs from the live one.
    const prefixes = [...live.streamPrefixes, ...projection.audit.streamPrefixes];
    const types = new Set((await store.readAll({ fromPosition: 'start', maxCount: 10_000 })).filter((event) => prefixes.some((p) => event.streamId.startsWith(p))).map((event) => event.type));
    expect([...types].sort()).toEqual(
      ['AccessKeyCreated', 'AccessKeyDeleted', 'AccountCreated', 'AuditOutcomeRecorded', 'AuditRecorded', 'GroupCreated', 'PolicyAttached', 'PolicyDetached', 'RoleCreated', 'TokenCreated', 'TokenRevoked', 'UserAddedToGroup', 'UserCreated'].sort(),
    );
    for (const type of types) {
      const [blind] = await rebuilt(type);
      const equal = isEqual(blind!.contents(), contents) && isEqual(await rebuiltAudit(type), audit);
      expect({ type, equal }).toEqual({ type, equal: false });
    }
  });
});
