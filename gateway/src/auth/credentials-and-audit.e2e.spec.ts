import { randomBytes } from 'node:crypto';
import { AUDIT_STREAM_PREFIX, auditRecordOf, processAuditChainKey, verifyAuditChain, type ChainedAuditRecord } from '@sluice/authz';
import type { EventStore } from '@sluice/eventing';
import type { RunningGateway } from '../gateway-server';
import { codesOf, dataOf, gatewayClient, type Caller } from '../testing/gateway-client';
import { startGatewayOnSubgraphs, type GatewayOnSubgraphs } from '../testing/gateway-on-subgraphs';
import { adminCaller } from '../testing/test-gateway';
import { twoStagePipeline } from '@sluice/testing/fixtures';

// Issue 16, through the gateway: credentials act on the principal they belong to, and the audit record is written
// before the effect (or the effect does not happen), whatever keys a JSON argument holds.
const internalSecret = randomBytes(24).toString('base64url');
let platform: GatewayOnSubgraphs | undefined;
let gateway: RunningGateway;
let store: EventStore;
let admin: Caller;
/** Set: every append to an audit stream fails, as when the trail's storage is unavailable. */
let auditUnavailable = false;

type Answer<T> = { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const ok = dataOf;

/** The store the gateway writes its audit trail to, whose audit appends fail while `auditUnavailable`. */
function withFailingAudit(target: EventStore): EventStore {
  return new Proxy(target, {
    get(object, property, receiver) {
      if (property === 'append') {
        return (streamId: string, ...rest: unknown[]) =>
          auditUnavailable && streamId.startsWith(AUDIT_STREAM_PREFIX) ? Promise.reject(new Error('the audit store is unavailable')) : (object.append as (...args: unknown[]) => unknown)(streamId, ...rest);
      }
      const value = Reflect.get(object, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

const trail = async (account: string): Promise<Array<ChainedAuditRecord & { storePosition: bigint }>> =>
  (await store.readStream(`${AUDIT_STREAM_PREFIX}${account}`)).map((event) => ({ ...auditRecordOf(event), storePosition: event.position }));

async function userWithToken(userName: string, attach: Record<string, unknown>): Promise<Caller> {
  const asAdmin = gatewayClient(gateway.url, admin);
  ok(await asAdmin('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: userName }), `createUser ${userName}`);
  ok(
    await asAdmin('mutation($u: String!, $m: String, $n: String, $d: JSON) { attachPolicy(targetType: USER, targetName: $u, managedPolicy: $m, policyName: $n, document: $d) { name } }', { u: userName, ...attach }),
    `attachPolicy ${userName}`,
  );
  const created = ok(await asAdmin<{ createToken: { token: string } }>('mutation($p: String!) { createToken(principalId: $p) { token } }', { p: userName }), `createToken ${userName}`);
  return { account: 'acme', actor: userName, token: created.createToken.token };
}

beforeAll(async () => {
  // Access keys need the permissions service's master key: given to its process like the internal secret.
  const env = { SLUICE_ACCESS_KEY_MASTER_KEY: randomBytes(32).toString('base64') };
  platform = await startGatewayOnSubgraphs({ subgraphs: { internalSecret, env }, wrapStore: withFailingAudit });
  ({ gateway, eventStore: store } = platform);
  admin = await adminCaller(store, 'acme');
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

describe('credentials act on the principal they belong to', () => {
  const CREATE_TOKEN = 'mutation($p: String!) { createToken(principalId: $p, expiresInSeconds: 315360000) { tokenId principalId } }';
  const CREATE_KEY = 'mutation($p: String) { createAccessKey(principalId: $p) { accessKeyId principalId } }';
  const DELETE_KEY = 'mutation($k: String!) { deleteAccessKey(accessKeyId: $k) { status } }';
  const REVOKE = 'mutation($t: String!) { revokeToken(tokenId: $t) { status } }';
  const forbidden = (answer: Answer<unknown>) => ({ codes: codesOf(answer as never), message: answer.errors?.[0]?.message ?? '' });

  it('lets a user allowed only sluice:CreateToken on its own principal mint a token for itself, and refuses it for admin naming action and resource', async () => {
    const tess = await userWithToken('tess', {
      n: 'OwnTokenOnly',
      d: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sluice:CreateToken', Resource: 'srn:sluice:acme:principal/tess' }] },
    });
    const asTess = gatewayClient(gateway.url, tess);
    expect(ok(await asTess<{ createToken: unknown }>(CREATE_TOKEN, { p: 'tess' }), 'own token').createToken).toMatchObject({ principalId: 'tess' });
    const refused = await asTess(CREATE_TOKEN, { p: 'admin' });
    expect(refused.data ?? null).toBeNull();
    expect(forbidden(refused)).toEqual({ codes: ['FORBIDDEN'], message: expect.stringContaining('sluice:CreateToken on srn:sluice:acme:principal/admin') });
    // Nothing else: not even its own access key.
    expect(forbidden(await asTess(CREATE_KEY, {}))).toMatchObject({ codes: ['FORBIDDEN'], message: expect.stringContaining('sluice:CreateAccessKey on srn:sluice:acme:principal/tess') });
  });

  it('lets a ReadOnly user keep its own access keys and tokens (${sluice:username}), and nobody else\'s', async () => {
    const rita = await userWithToken('rita', { m: 'ReadOnly' });
    const asRita = gatewayClient(gateway.url, rita);
    const asAdmin = gatewayClient(gateway.url, admin);
    const own = ok(await asRita<{ createAccessKey: { accessKeyId: string; principalId: string } }>(CREATE_KEY, {}), 'own access key').createAccessKey;
    expect(own.principalId).toBe('rita');
    expect(forbidden(await asRita(CREATE_KEY, { p: 'admin' }))).toEqual({ codes: ['FORBIDDEN'], message: expect.stringContaining('sluice:CreateAccessKey on srn:sluice:acme:principal/admin') });

    const adminsKey = ok(await asAdmin<{ createAccessKey: { accessKeyId: string } }>(CREATE_KEY, { p: 'admin' }), 'admin key').createAccessKey;
    expect(forbidden(await asRita(DELETE_KEY, { k: adminsKey.accessKeyId }))).toEqual({ codes: ['FORBIDDEN'], message: expect.stringContaining('sluice:DeleteAccessKey on srn:sluice:acme:principal/admin') });
    const adminsToken = ok(await asAdmin<{ createToken: { tokenId: string } }>(CREATE_TOKEN, { p: 'admin' }), 'admin token').createToken;
    expect(forbidden(await asRita(REVOKE, { t: adminsToken.tokenId }))).toEqual({ codes: ['FORBIDDEN'], message: expect.stringContaining('sluice:RevokeToken on srn:sluice:acme:principal/admin') });
    // An unknown token is asked about at the account: a self-only user learns nothing of it.
    expect(forbidden(await asRita(REVOKE, { t: 'tok_000000000000000000000000' }))).toEqual({ codes: ['FORBIDDEN'], message: expect.stringContaining('sluice:RevokeToken on srn:sluice:acme:') });

    expect(ok(await asRita(DELETE_KEY, { k: own.accessKeyId }), 'own key deleted')).toEqual({ deleteAccessKey: { status: 'DELETED' } });
    const ownToken = ok(await asRita<{ createToken: { tokenId: string } }>(CREATE_TOKEN, { p: 'rita' }), 'own token').createToken;
    expect(ok(await asRita(REVOKE, { t: ownToken.tokenId }), 'own token revoked')).toEqual({ revokeToken: { status: 'REVOKED' } });
  });

  it('lets the admin do it for anyone', async () => {
    const asAdmin = gatewayClient(gateway.url, admin);
    expect(ok(await asAdmin<{ createToken: unknown }>(CREATE_TOKEN, { p: 'tess' }), 'token for tess').createToken).toMatchObject({ principalId: 'tess' });
    const key = ok(await asAdmin<{ createAccessKey: { accessKeyId: string; principalId: string } }>(CREATE_KEY, { p: 'rita' }), 'key for rita').createAccessKey;
    expect(key.principalId).toBe('rita');
    expect(ok(await asAdmin(DELETE_KEY, { k: key.accessKeyId }), 'rita\'s key deleted')).toEqual({ deleteAccessKey: { status: 'DELETED' } });
  });
});

describe('the audit record cannot be skipped', () => {
  it('records "__proto__", "constructor" and "prototype" keys of a JSON argument as data, and the trail still verifies', async () => {
    const before = (await trail('acme')).length;
    const document = JSON.parse('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sluice:GetPipeline","Resource":"*"}],"__proto__":{"polluted":true},"constructor":{"x":1},"prototype":"p"}') as unknown;
    const answer = await gatewayClient(gateway.url, admin)('mutation($d: JSON) { attachPolicy(targetType: USER, targetName: "admin", policyName: "Odd", document: $d) { name } }', { d: document });
    const recorded = (await trail('acme')).slice(before).filter((record) => record.operation === 'sluice:PutPolicy');
    expect(recorded.map((record) => record.result.status)).toEqual(['attempted', answer.errors?.length ? 'failed' : 'succeeded']);
    for (const record of recorded) {
      const kept = record.requestParameters.document as Record<string, unknown>;
      expect(Object.keys(kept)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'prototype']));
      expect(Object.getOwnPropertyDescriptor(kept, '__proto__')?.value).toEqual({ polluted: true });
      expect(kept.constructor).toEqual({ x: 1 });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const verified = ok(await gatewayClient(gateway.url, admin)<{ verifyAuditTrail: { ok: boolean; firstBrokenLink: unknown } }>('{ verifyAuditTrail { ok firstBrokenLink { position reason } } }'), 'verify');
    expect(verified.verifyAuditTrail).toEqual({ ok: true, firstBrokenLink: null });
  });

  it('appends the attempt before any subgraph hears of a change, and its outcome after, linked to it', async () => {
    const before = (await trail('acme')).length;
    ok(await gatewayClient(gateway.url, admin)('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: twoStagePipeline('audited') }), 'createPipeline');
    const [attempt, outcome] = (await trail('acme')).slice(before).filter((record) => record.operation === 'sluice:CreatePipeline');
    expect(attempt).toMatchObject({ resource: 'srn:sluice:acme:audited', result: { status: 'attempted' }, decision: 'Allow' });
    expect(outcome).toMatchObject({ resource: 'srn:sluice:acme:audited', result: { status: 'succeeded' }, resultOf: attempt!.id, requestId: attempt!.requestId });
    const [created] = await store.readStream('pipeline-acme.audited', { maxCount: 1 });
    expect(attempt!.storePosition < created!.position && created!.position < outcome!.storePosition).toBe(true);
    const records = (await store.readStream(`${AUDIT_STREAM_PREFIX}acme`)).map(auditRecordOf);
    expect(verifyAuditChain(records, { key: await processAuditChainKey()() })).toEqual({ ok: true, count: records.length });
  });

  it('does nothing when the attempt cannot be recorded: 503-like SERVICE_UNAVAILABLE, and no pipeline exists', async () => {
    auditUnavailable = true;
    let refused;
    try {
      refused = await gatewayClient(gateway.url, admin)('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: twoStagePipeline('unaudited') });
    } finally {
      auditUnavailable = false;
    }
    expect(refused.data ?? null).toBeNull();
    expect(codesOf(refused)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(refused.errors?.[0]?.message).toMatch(/audit trail cannot be written right now, so nothing was done/);
    expect(await store.readStream('pipeline-acme.unaudited')).toEqual([]);
    expect(codesOf(await gatewayClient(gateway.url, admin)('{ getPipeline(name: "unaudited") { name } }'))).toEqual(['NOT_FOUND']);
  });

  it('refuses a VariableCheck MATCHES pattern that needs backtracking when the pipeline is created, at its JSON path', async () => {
    const pipeline = twoStagePipeline('guarded') as { pipelineType?: string; stages: Array<Record<string, unknown>> };
    pipeline.pipelineType = 'V2';
    pipeline.stages[1]!.beforeEntry = {
      conditions: [{ result: 'FAIL', rules: [{ name: 'OnRelease', ruleTypeId: { category: 'Rule', provider: 'VariableCheck' }, configuration: { Variable: '#{codepipeline.PipelineExecutionId}', Value: '(a)\\1', Operator: 'MATCHES' } }] }],
    };
    const refused = await gatewayClient(gateway.url, admin)('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: pipeline });
    expect(codesOf(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.errors?.[0]?.extensions?.issues).toEqual([
      expect.objectContaining({ path: '$.stages[1].beforeEntry.conditions[0].rules[0].configuration.Value', code: 'invalid_pattern', message: expect.stringContaining('a backreference') }),
    ]);
  });
});
