import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { composeServices, transformSupergraphToPublicSchema } from '@theguild/federation-composition';
import { parse, print } from 'graphql';
import { authorize, type Principal } from '@sluice/authz';
import { testPostgresUrl } from '@sluice/testing';
import { tokenStream } from '@sluice/contracts';
import { hashToken } from '../domain/token-secret';
import { newTestSchema, startPermissionsService, headersOf, type As } from '../testing/permissions-service-process';
import { errorCodes, serviceOnStoreForFile } from '@sluice/graphql-service/testing';

// The permissions subgraph through HTTP POST /graphql, on the real PostgreSQL event store (one fresh schema).
const schema = newTestSchema();
const running = serviceOnStoreForFile(schema, startPermissionsService);

const gql = (query: string, variables: Record<string, unknown> = {}, as: As = { account: 'acme' }) => running.service.graphql(query, variables, headersOf(as));
const issuePaths = (response: { errors?: Array<{ extensions?: { issues?: Array<{ path: string }> } }> }) => (response.errors?.[0]?.extensions?.issues ?? []).map((issue) => issue.path);

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}, as: As = { account: 'acme' }): Promise<T> {
  const response = await gql(query, variables, as);
  if (response.errors) throw new Error(`unexpected errors: ${JSON.stringify(response.errors)}`);
  return response.data as T;
}

const AUTHENTICATE = 'query($token: String!) { authenticate(token: $token) { principal expiresAt actor tokenId } }';
const CREATE_TOKEN = 'mutation($p: String!, $s: Int, $d: String) { createToken(principalId: $p, expiresInSeconds: $s, description: $d) { token tokenId account principalId expiresAt } }';
const ATTACH = `mutation($type: PolicyTargetType!, $name: String!, $managed: String, $scope: ApproverScopeInput, $policyName: String, $document: JSON) {
  attachPolicy(targetType: $type, targetName: $name, managedPolicy: $managed, approverScope: $scope, policyName: $policyName, document: $document) { name managed document }
}`;
const CREATE_ROLE = `mutation($name: String!, $trust: JSON!, $max: Int) {
  createRole(roleName: $name, trustPolicy: $trust, maxSessionDurationSeconds: $max) { roleName srn maxSessionDurationSeconds policies { name } }
}`;
const ASSUME = `mutation($role: String!, $session: String!, $policy: JSON, $duration: Int) {
  assumeRole(role: $role, sessionName: $session, sessionPolicy: $policy, durationSeconds: $duration) { token tokenId expiresAt role actor assumedBy { id account } }
}`;

const authenticate = async (token: string) => (await ok(AUTHENTICATE, { token })).authenticate as { principal: Principal; expiresAt: string; actor: string; tokenId: string } | null;
const allow = (Action: string | string[], Resource: string | string[], Sid?: string) => ({ Version: '2012-10-17', Statement: [{ ...(Sid ? { Sid } : {}), Effect: 'Allow', Action, Resource }] });
const trustOf = (...principals: string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Sluice: principals }, Action: 'sluice:AssumeRole' }] });
const createToken = async (account: string, principalId: string) => (await ok(CREATE_TOKEN, { p: principalId }, { account })).createToken as { token: string; tokenId: string; expiresAt: string };

/** A token as if created long ago: its TokenCreated event written to the store the service reads. */
async function storedToken(account: string, principalId: string, expiresAt: Date, session: unknown = null): Promise<{ token: string; tokenId: string }> {
  const token = `${session ? 'slus_' : 'slu_'}${randomBytes(32).toString('base64url')}`;
  const tokenId = `tok_${randomBytes(12).toString('hex')}`;
  const { position } = await running.store.append(
    tokenStream(tokenId),
    [{ type: 'TokenCreated', data: { tokenId, account, principalId, tokenHash: hashToken(token), createdAt: new Date(0).toISOString(), expiresAt: expiresAt.toISOString(), description: null, session } }],
    { expectedRevision: 'no_stream' },
  );
  // The service folds it in asynchronously: wait until a write made after it is visible.
  await ok('mutation($a: String!) { createAccount(account: $a) { account } }', { a: `sync-${position}` });
  return { token, tokenId };
}

let adminToken: string;

beforeAll(async () => {
  const created = await ok('mutation { createAccount(account: "acme", adminUserName: "root-admin") { account adminToken { token tokenId principalId expiresAt } } }');
  adminToken = created.createAccount.adminToken.token;
  await ok('mutation { createAccount(account: "beta") { account adminToken { token } } }');
  for (const user of ['alice', 'bob']) await ok('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: user });
  for (const user of ['carol', 'dave', 'erin']) await ok('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: user }, { account: 'beta' });
});

describe('accounts, users, groups and policies', () => {
  it('creates an account with its first admin, whose token authenticates as an Admin of that account only', async () => {
    const principal = (await authenticate(adminToken))!.principal;
    expect(principal).toMatchObject({ id: 'root-admin', account: 'acme' });
    expect(principal.policies.map((p) => p.name)).toEqual(['Admin']);
    const now = new Date();
    expect(authorize({ principal, action: 'sluice:DeletePipeline', resource: 'srn:sluice:acme:web', context: { currentTime: now } }).allowed).toBe(true);
    expect(authorize({ principal, action: 'sluice:DeletePipeline', resource: 'srn:sluice:beta:web', context: { currentTime: now } }).allowed).toBe(false);
    expect(errorCodes(await gql('mutation { createAccount(account: "acme") { account } }'))).toEqual(['CONFLICT']);
    expect(issuePaths(await gql('mutation { createAccount(account: "Not_An_Account") { account } }'))).toEqual(['account']);
  });

  it('gives a user its own policies and its groups\', named after the group', async () => {
    await ok('mutation { createGroup(groupName: "ops") { groupName } }');
    const group = await ok('mutation { addUserToGroup(groupName: "ops", userName: "alice") { groupName members } }');
    expect(group.addUserToGroup.members).toEqual(['alice']);
    await ok(ATTACH, { type: 'GROUP', name: 'ops', managed: 'ReadOnly' });
    await ok(ATTACH, { type: 'USER', name: 'alice', policyName: 'NoSecrets', document: { Version: '2012-10-17', Statement: [{ Sid: 'DenySecret', Effect: 'Deny', Action: 'sluice:*', Resource: 'srn:sluice:acme:secret*' }] } });
    const user = (await ok('{ getUser(userName: "alice") { userName srn groups policies { name managed } } }')).getUser;
    expect(user).toEqual({ userName: 'alice', srn: 'srn:sluice:acme:principal/alice', groups: ['ops'], policies: [{ name: 'NoSecrets', managed: false }] });

    const { token } = await createToken('acme', 'alice');
    const principal = (await authenticate(token))!.principal;
    expect(principal.policies.map((p) => p.name)).toEqual(['NoSecrets', 'ops/ReadOnly']);
    const read = authorize({ principal, action: 'sluice:GetPipelineState', resource: 'srn:sluice:acme:web', context: { currentTime: new Date() } });
    expect(read).toMatchObject({ allowed: true, decidingStatement: { policyName: 'ops/ReadOnly' } });
    expect(authorize({ principal, action: 'sluice:GetPipelineState', resource: 'srn:sluice:acme:secret', context: { currentTime: new Date() } }).decision).toBe('ExplicitDeny');

    const detached = await ok('mutation { detachPolicy(targetType: USER, targetName: "alice", policyName: "NoSecrets") { name } }');
    expect(detached.detachPolicy).toEqual([]);
    expect((await authenticate(token))!.principal.policies.map((p) => p.name)).toEqual(['ops/ReadOnly']);
    expect(errorCodes(await gql('mutation { detachPolicy(targetType: USER, targetName: "alice", policyName: "NoSecrets") { name } }'))).toEqual(['NOT_FOUND']);
  });

  it('refuses malformed policies and trust policies, naming each problem by its JSON path', async () => {
    const bad = await gql(ATTACH, { type: 'USER', name: 'bob', policyName: 'Broken', document: { Version: '2012-10-17', Statement: [{ Effect: 'Alow', Action: 'sluice:GetPipelin', Resource: 'srn:sluice:acme:*' }] } });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(bad)).toEqual(expect.arrayContaining(['$.Statement[0].Effect', '$.Statement[0].Action']));
    expect(bad.errors![0]!.message).toMatch(/GetPipeline/);

    const both = await gql(ATTACH, { type: 'USER', name: 'bob', managed: 'ReadOnly', policyName: 'X', document: allow('sluice:GetPipeline', '*') });
    expect(issuePaths(both)).toEqual(['managedPolicy']);
    expect(issuePaths(await gql(ATTACH, { type: 'USER', name: 'bob', managed: 'ReadOnyl' }))).toEqual(['managedPolicy']);
    expect(issuePaths(await gql(ATTACH, { type: 'USER', name: 'bob', managed: 'Approver' }))).toEqual(['approverScope']);
    expect(issuePaths(await gql(ATTACH, { type: 'USER', name: 'bob', policyName: 'Admin', document: allow('sluice:GetPipeline', '*') }))).toEqual(['policyName']);
    expect(errorCodes(await gql(ATTACH, { type: 'USER', name: 'nobody', managed: 'ReadOnly' }))).toEqual(['NOT_FOUND']);

    const trust = await gql(CREATE_ROLE, { name: 'Loose', trust: { Statement: [{ Effect: 'Allow', Principal: { Sluice: '*' }, Action: 'sluice:AssumeRole' }] } });
    expect(errorCodes(trust)).toEqual(['BAD_USER_INPUT']);
    expect(issuePaths(trust)).toEqual(['$.Statement[0].Principal.Sluice']);
    expect(issuePaths(await gql(CREATE_ROLE, { name: 'Long', trust: trustOf('srn:sluice:beta:root'), max: 100_000 }))).toEqual(['maxSessionDurationSeconds']);
    expect(issuePaths(await gql('mutation { createUser(userName: "has space") { userName } }'))).toEqual(['userName']);
  });

  it('answers concurrent writes to one principal with CONFLICT, never a lost update', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, n) => gql(ATTACH, { type: 'USER', name: 'bob', policyName: `P${n}`, document: allow('sluice:GetPipeline', 'srn:sluice:acme:*') })),
    );
    const succeeded = attempts.filter((a) => !a.errors).length;
    expect(attempts.filter((a) => a.errors).every((a) => errorCodes(a)[0] === 'CONFLICT')).toBe(true);
    expect(succeeded).toBeGreaterThanOrEqual(1);
    expect(succeeded).toBeLessThan(12);
    const user = (await ok('{ getUser(userName: "bob") { policies { name } } }')).getUser;
    expect(user.policies).toHaveLength(succeeded);

    const sameName = await Promise.all(Array.from({ length: 5 }, () => gql('mutation { createUser(userName: "twin") { userName } }')));
    expect(sameName.filter((a) => !a.errors)).toHaveLength(1);
    expect(sameName.filter((a) => a.errors).map((a) => errorCodes(a)[0])).toEqual(['CONFLICT', 'CONFLICT', 'CONFLICT', 'CONFLICT']);
  });
});

describe('tokens', () => {
  it('authenticates a live token, then nothing once it is revoked', async () => {
    const created = await ok(CREATE_TOKEN, { p: 'bob', s: 3600, d: 'ci' });
    const { token, tokenId, expiresAt } = created.createToken;
    expect(token).toMatch(/^slu_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const authenticated = await authenticate(token);
    expect(authenticated).toMatchObject({ actor: 'bob', tokenId, expiresAt, principal: { id: 'bob', account: 'acme' } });

    const revoked = await ok('mutation($id: String!) { revokeToken(tokenId: $id) { tokenId status revokedAt } }', { id: tokenId });
    expect(revoked.revokeToken).toMatchObject({ tokenId, status: 'REVOKED' });
    expect(await authenticate(token)).toBeNull();
    // Another account cannot see or revoke it.
    expect(errorCodes(await gql('mutation($id: String!) { revokeToken(tokenId: $id) { tokenId } }', { id: tokenId }, { account: 'beta' }))).toEqual(['NOT_FOUND']);

    const listed = (await ok('{ listTokens(principalId: "bob") { tokenId description status } }')).listTokens;
    expect(listed).toEqual([{ tokenId, description: 'ci', status: 'REVOKED' }]);
  });

  it('authenticates nothing for an expired, forged, unknown or malformed token', async () => {
    const expired = await storedToken('acme', 'bob', new Date(Date.now() - 1000));
    expect(await authenticate(expired.token)).toBeNull();
    expect((await ok('{ listTokens(principalId: "bob") { tokenId status } }')).listTokens).toContainEqual({ tokenId: expired.tokenId, status: 'EXPIRED' });

    const { token } = await createToken('acme', 'bob');
    expect(await authenticate(token)).not.toBeNull();
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(await authenticate(token.slice(0, -1) + last)).toBeNull();
    expect(await authenticate(`slu_${randomBytes(32).toString('base64url')}`)).toBeNull();
    expect(await authenticate('')).toBeNull();
    expect(await authenticate(`${token} `)).toBeNull();
    expect(await authenticate(hashToken(token))).toBeNull();
  });

  it('refuses tokens for roles, unknown users and lifetimes out of range', async () => {
    await ok(CREATE_ROLE, { name: 'Robot', trust: trustOf('srn:sluice:acme:root') });
    expect(errorCodes(await gql(CREATE_TOKEN, { p: 'Robot' }))).toEqual(['CONFLICT']);
    expect(errorCodes(await gql(CREATE_TOKEN, { p: 'ghost' }))).toEqual(['NOT_FOUND']);
    expect(issuePaths(await gql(CREATE_TOKEN, { p: 'bob', s: 10 }))).toEqual(['expiresInSeconds']);
  });

  it('stores only the hash: the token appears nowhere in the stored events', async () => {
    const { token } = await createToken('acme', 'alice');
    const client = new Client({ connectionString: testPostgresUrl() });
    await client.connect();
    try {
      const count = async (text: string) =>
        Number((await client.query(`SELECT count(*) AS n FROM "${schema}".events WHERE data::text LIKE $1 OR metadata::text LIKE $1`, [`%${text}%`])).rows[0].n);
      expect(await count(token)).toBe(0);
      expect(await count(token.slice(4, 30))).toBe(0);
      expect(await count(hashToken(token))).toBe(1);
    } finally {
      await client.end();
    }
  });
});

describe('assumeRole', () => {
  let carol: { token: string; tokenId: string };
  beforeAll(async () => {
    // acme's Deployer trusts carol of beta; carol's own policy allows AssumeRole into acme, dave's does not, erin is not trusted.
    const role = await ok(CREATE_ROLE, { name: 'Deployer', trust: trustOf('srn:sluice:beta:principal/carol'), max: 7200 });
    expect(role.createRole).toMatchObject({ srn: 'srn:sluice:acme:principal/Deployer', maxSessionDurationSeconds: 7200 });
    await ok(ATTACH, { type: 'ROLE', name: 'Deployer', managed: 'Operator' });
    await ok(ATTACH, { type: 'ROLE', name: 'Deployer', policyName: 'Chain', document: allow('sluice:AssumeRole', 'srn:sluice:acme:') });
    for (const user of ['carol', 'erin']) await ok(ATTACH, { type: 'USER', name: user, policyName: 'IntoAcme', document: allow('sluice:AssumeRole', 'srn:sluice:acme:') }, { account: 'beta' });
    carol = await createToken('beta', 'carol');
  });
  const asCarol = () => ({ account: 'beta', principal: 'carol', tokenId: carol.tokenId });

  it('gives a trusted principal of another account a short-lived token for the role, naming both', async () => {
    const before = Date.now();
    const assumed = (await ok(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 'release-42' }, asCarol())).assumeRole;
    expect(assumed).toMatchObject({ role: 'srn:sluice:acme:principal/Deployer', actor: 'role/Deployer (assumed by carol of beta)', assumedBy: { id: 'carol', account: 'beta' } });
    expect(assumed.token).toMatch(/^slus_/);
    const lifetime = Date.parse(assumed.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThan(3610_000);

    const session = (await authenticate(assumed.token))!;
    expect(session.actor).toBe('role/Deployer (assumed by carol of beta)');
    expect(session.principal).toMatchObject({ id: 'Deployer', account: 'acme', assumedBy: { id: 'carol', account: 'beta' } });
    expect(session.principal.policies.map((p) => p.name)).toEqual(['Operator', 'Chain']);
    const now = new Date();
    expect(authorize({ principal: session.principal, action: 'sluice:StartPipelineExecution', resource: 'srn:sluice:acme:web', context: { currentTime: now } }).allowed).toBe(true);
    expect(authorize({ principal: session.principal, action: 'sluice:GetPipelineState', resource: 'srn:sluice:beta:web', context: { currentTime: now } }).allowed).toBe(false);
    const listed = (await ok('{ listTokens(principalId: "Deployer") { tokenId sessionName assumedBy { id account } } }')).listTokens;
    expect(listed).toContainEqual({ tokenId: assumed.tokenId, sessionName: 'release-42', assumedBy: { id: 'carol', account: 'beta' } });
  });

  it('narrows the session by a session policy and keeps the duration within the role maximum', async () => {
    const narrowed = (await ok(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 'look', policy: allow('sluice:GetPipelineState', 'srn:sluice:acme:*'), duration: 7200 }, asCarol())).assumeRole;
    expect(Date.parse(narrowed.expiresAt) - Date.now()).toBeGreaterThan(7100_000);
    const principal = (await authenticate(narrowed.token))!.principal;
    expect(principal.sessionPolicy?.name).toBe('SessionPolicy');
    const start = authorize({ principal, action: 'sluice:StartPipelineExecution', resource: 'srn:sluice:acme:web', context: { currentTime: new Date() } });
    expect(start).toMatchObject({ allowed: false, decision: 'ImplicitDeny', reason: 'not_allowed_by_session_policy' });

    expect(issuePaths(await gql(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 'long', duration: 7201 }, asCarol()))).toEqual(['durationSeconds']);
    expect(issuePaths(await gql(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 'short', duration: 60 }, asCarol()))).toEqual(['durationSeconds']);
    expect(issuePaths(await gql(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 'x', policy: { Statement: [{ Effect: 'Allow' }] } }, asCarol()))).toEqual([
      'sessionName',
      '$.Statement[0].Action',
      '$.Statement[0].Resource',
    ]);
  });

  it('refuses a caller its own policies do not allow, one the trust policy does not name, and a role that is not there', async () => {
    const dave = await createToken('beta', 'dave');
    const byDave = await gql(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 's1' }, { account: 'beta', principal: 'dave', tokenId: dave.tokenId });
    expect(errorCodes(byDave)).toEqual(['FORBIDDEN']);
    const erin = await createToken('beta', 'erin');
    const byErin = await gql(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 's1' }, { account: 'beta', principal: 'erin', tokenId: erin.tokenId });
    expect(errorCodes(byErin)).toEqual(['FORBIDDEN']);
    expect(byErin.errors![0]!.message).toMatch(/trust policy/);
    expect(errorCodes(await gql(ASSUME, { role: 'srn:sluice:acme:principal/Nobody', session: 's1' }, asCarol()))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await gql(ASSUME, { role: 'Deployer', session: 's1' }, { account: 'beta' }))).toEqual(['FORBIDDEN']);
  });

  it('lets a session chain only into a role that names the calling role, never outliving or widening it', async () => {
    await ok(CREATE_ROLE, { name: 'RootTrusted', trust: trustOf('srn:sluice:acme:root') });
    await ok(ATTACH, { type: 'ROLE', name: 'RootTrusted', managed: 'Admin' });
    await ok(CREATE_ROLE, { name: 'Release', trust: trustOf('srn:sluice:acme:principal/Deployer') });
    await ok(ATTACH, { type: 'ROLE', name: 'Release', managed: 'Admin' });
    const session = (await ok(ASSUME, { role: 'srn:sluice:acme:principal/Deployer', session: 'chain', policy: allow(['sluice:GetPipelineState', 'sluice:AssumeRole'], 'srn:sluice:acme:*'), duration: 1800 }, asCarol())).assumeRole;
    const asSession = { account: 'acme', principal: 'Deployer', tokenId: session.tokenId };

    const viaRoot = await gql(ASSUME, { role: 'RootTrusted', session: 'up' }, asSession);
    expect(errorCodes(viaRoot)).toEqual(['FORBIDDEN']);
    expect(viaRoot.errors![0]!.message).toMatch(/names the calling role/);

    const chained = (await ok(ASSUME, { role: 'Release', session: 'next', duration: 3600 }, asSession)).assumeRole;
    expect(chained.assumedBy).toEqual({ id: 'carol', account: 'beta' });
    expect(Date.parse(chained.expiresAt)).toBeLessThanOrEqual(Date.parse(session.expiresAt));
    const principal = (await authenticate(chained.token))!.principal;
    // Release has Admin, but the chained session keeps the calling session's policy: no wider than before.
    expect(principal.sessionPolicy?.document).toEqual(allow(['sluice:GetPipelineState', 'sluice:AssumeRole'], 'srn:sluice:acme:*'));
    expect(authorize({ principal, action: 'sluice:DeletePipeline', resource: 'srn:sluice:acme:web', context: { currentTime: new Date() } }).allowed).toBe(false);
    expect(issuePaths(await gql(ASSUME, { role: 'Release', session: 'wider', policy: allow('sluice:*', '*') }, asSession))).toEqual(['sessionPolicy']);

    // A role id without its session token is not a caller; a calling session about to expire cannot chain.
    expect(errorCodes(await gql(ASSUME, { role: 'Release', session: 'bare' }, { account: 'acme', principal: 'Deployer' }))).toEqual(['FORBIDDEN']);
    const ending = await storedToken('acme', 'Deployer', new Date(Date.now() + 300_000), { sessionName: 'ending', assumedBy: { id: 'carol', account: 'beta' }, sessionPolicy: null });
    expect(errorCodes(await gql(ASSUME, { role: 'Release', session: 'late' }, { account: 'acme', principal: 'Deployer', tokenId: ending.tokenId }))).toEqual(['CONFLICT']);
    const expired = await storedToken('acme', 'Deployer', new Date(Date.now() - 1), { sessionName: 'gone', assumedBy: { id: 'carol', account: 'beta' }, sessionPolicy: null });
    expect(await authenticate(expired.token)).toBeNull();
    expect(errorCodes(await gql(ASSUME, { role: 'Release', session: 'dead' }, { account: 'acme', principal: 'Deployer', tokenId: expired.tokenId }))).toEqual(['FORBIDDEN']);
  });

  it('says who the caller is', async () => {
    const me = (await ok('{ whoami { account principalId actor tokenId expiresAt assumedBy { id } policies } }', {}, asCarol())).whoami;
    expect(me).toMatchObject({ account: 'beta', principalId: 'carol', actor: 'carol', tokenId: carol.tokenId, assumedBy: null, policies: ['IntoAcme'] });
  });
});

describe('simulatePrincipalPolicy', () => {
  it('gives each decision with the statement that decided it, or the reason for an implicit deny', async () => {
    await ok(ATTACH, { type: 'USER', name: 'alice', policyName: 'DenySecret', document: { Version: '2012-10-17', Statement: [{ Sid: 'NoSecret', Effect: 'Deny', Action: 'sluice:*', Resource: 'srn:sluice:acme:secret' }] } });
    const QUERY = `query($p: String!, $a: [String!]!, $r: [String!]!) { simulatePrincipalPolicy(principalId: $p, actions: $a, resources: $r) {
      action resource decision allowed decidingStatement { policyName sid index } implicitDenyReason explanation } }`;
    const results = (await ok(QUERY, { p: 'alice', a: ['sluice:GetPipelineState', 'sluice:StartPipelineExecution'], r: ['srn:sluice:acme:web', 'srn:sluice:acme:secret'] })).simulatePrincipalPolicy;
    const pick = (action: string, resource: string) => results.find((r: any) => r.action === action && r.resource === resource);
    expect(pick('sluice:GetPipelineState', 'srn:sluice:acme:web')).toMatchObject({ decision: 'Allow', decidingStatement: { policyName: 'ops/ReadOnly', index: 0 } });
    expect(pick('sluice:GetPipelineState', 'srn:sluice:acme:secret')).toMatchObject({ decision: 'ExplicitDeny', decidingStatement: { policyName: 'DenySecret', sid: 'NoSecret' } });
    expect(pick('sluice:StartPipelineExecution', 'srn:sluice:acme:web')).toMatchObject({ decision: 'ImplicitDeny', decidingStatement: null, implicitDenyReason: 'no_matching_allow' });

    const bad = await gql(QUERY, { p: 'alice', a: ['sluice:GetPipelin'], r: ['srn:sluice:acme:web'] });
    expect(issuePaths(bad)).toEqual(['$.actions[0]']);
    expect(errorCodes(await gql(QUERY, { p: 'ghost', a: ['sluice:GetPipeline'], r: ['srn:sluice:acme:web'] }))).toEqual(['NOT_FOUND']);
  });
});

describe('users and roles are kept per account', () => {
  it('lists each account\'s own', async () => {
    const acme = (await ok('{ listUsers { userName } listRoles { roleName } }')).listUsers.map((u: { userName: string }) => u.userName);
    expect(acme).toEqual(expect.arrayContaining(['alice', 'bob', 'root-admin']));
    expect(acme).not.toContain('carol');
    expect(errorCodes(await gql('{ getUser(userName: "alice") { userName } }', {}, { account: 'beta' }))).toEqual(['NOT_FOUND']);
    const roles = (await ok('{ listRoles { roleName } }')).listRoles.map((r: { roleName: string }) => r.roleName);
    expect(roles).toEqual(expect.arrayContaining(['Deployer', 'Robot']));
  });
});


describe('the authenticate query', () => {
  it('composes into the supergraph but stays out of its public API (@inaccessible)', async () => {
    const sdl = (await ok('{ _service { sdl } }'))._service.sdl as string;
    const composed = composeServices([{ name: 'permissions', typeDefs: parse(sdl), url: `${running.service.url}/graphql` }]);
    expect(composed.errors ?? []).toEqual([]);
    const supergraph = (composed as { supergraphSdl: string }).supergraphSdl;
    expect(supergraph).toContain('authenticate');
    const publicSchema = print(transformSupergraphToPublicSchema(parse(supergraph)));
    expect(publicSchema).not.toMatch(/authenticate|AuthenticatedPrincipal/);
    expect(publicSchema).toContain('assumeRole');
  });
});
