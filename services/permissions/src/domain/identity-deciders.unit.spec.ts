import { ConflictError, IllegalStateError, NotFoundError, ValidationError, fold } from '@sluice/domain';
import { attachedPolicyFrom } from './attach-policy-input';
import { groupDecider } from './group-decider';
import type { PrincipalEvent } from '@sluice/contracts';
import { principalDecider, requireKind } from './principal-decider';
import { TOKEN_LIFETIME, tokenDecider } from './token-decider';
import { hashToken, issueToken, looksLikeToken } from './token-secret';

const metadata = { now: '2026-11-25T03:00:00.000Z', account: 'acme', actor: 'admin', correlationId: 'c' };
const userCreated: PrincipalEvent = { type: 'UserCreated', data: { account: 'acme', userName: 'alice', createdAt: metadata.now } };
const readOnly = { type: 'managed', name: 'ReadOnly' } as const;

const issuesOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.issues.map((issue) => issue.path);
    throw error;
  }
  throw new Error('expected a ValidationError');
};

/** What `run` threw: its class and its code, e.g. `[ConflictError, 'POLICY_NAME_IN_USE']`. */
const refusalOf = (run: () => unknown): [unknown, unknown] => {
  try {
    run();
  } catch (error) {
    return [(error as Error).constructor, (error as { code?: unknown }).code];
  }
  throw new Error('expected an error');
};

describe('principalDecider', () => {
  const decide = (events: PrincipalEvent[], command: Parameters<typeof principalDecider.decide>[0], accountExists = true) =>
    principalDecider.decide(command, fold(principalDecider, events), { accountExists });

  it('creates a user once, in an account that exists', () => {
    expect(decide([], { type: 'CreateUser', userName: 'alice', metadata })).toEqual([userCreated]);
    expect(refusalOf(() => decide([userCreated], { type: 'CreateUser', userName: 'alice', metadata }))).toEqual([ConflictError, 'PRINCIPAL_NAME_IN_USE']);
    expect(refusalOf(() => decide([], { type: 'CreateUser', userName: 'alice', metadata }, false))).toEqual([NotFoundError, 'ACCOUNT_NOT_FOUND']);
    expect(issuesOf(() => decide([], { type: 'CreateUser', userName: 'a/b', metadata }))).toEqual(['userName']);
  });

  it('attaches a policy name once and detaches only what is attached', () => {
    const attached = decide([userCreated], { type: 'AttachPolicy', principalId: 'alice', policy: readOnly, metadata });
    expect(attached).toEqual([{ type: 'PolicyAttached', data: { policy: readOnly } }]);
    expect(refusalOf(() => decide([userCreated, ...attached], { type: 'AttachPolicy', principalId: 'alice', policy: readOnly, metadata }))).toEqual([ConflictError, 'POLICY_NAME_IN_USE']);
    expect(decide([userCreated, ...attached], { type: 'DetachPolicy', principalId: 'alice', policyName: 'ReadOnly', metadata })).toEqual([{ type: 'PolicyDetached', data: { policyName: 'ReadOnly' } }]);
    expect(refusalOf(() => decide([userCreated], { type: 'DetachPolicy', principalId: 'alice', policyName: 'ReadOnly', metadata }))).toEqual([NotFoundError, 'POLICY_NOT_FOUND']);
    expect(refusalOf(() => decide([], { type: 'AttachPolicy', principalId: 'ghost', policy: readOnly, metadata }))).toEqual([NotFoundError, 'PRINCIPAL_NOT_FOUND']);
  });

  it('validates a role: its trust policy by JSON path, its maximum session duration', () => {
    const role = { type: 'CreateRole' as const, roleName: 'Deployer', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Sluice: 'srn:sluice:beta:root' }, Action: 'sluice:AssumeRole' }] }, description: null, metadata };
    expect(decide([], { ...role, maxSessionDurationSeconds: null })[0]).toMatchObject({ type: 'RoleCreated', data: { maxSessionDurationSeconds: 3600 } });
    expect(issuesOf(() => decide([], { ...role, maxSessionDurationSeconds: 60 }))).toEqual(['maxSessionDurationSeconds']);
    expect(issuesOf(() => decide([], { ...role, trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { Sluice: '*' }, Action: 'sluice:GetPipeline' }] }, maxSessionDurationSeconds: null }))).toEqual([
      '$.Statement[0].Principal.Sluice',
      '$.Statement[0].Action',
    ]);
  });

  it('tells a role from a user', () => {
    expect(refusalOf(() => requireKind(fold(principalDecider, [userCreated]), 'alice', 'Role'))).toEqual([IllegalStateError, 'PRINCIPAL_KIND_MISMATCH']);
    expect(refusalOf(() => requireKind(principalDecider.initialState, 'alice', 'User'))).toEqual([NotFoundError, 'USER_NOT_FOUND']);
  });
});

describe('groupDecider', () => {
  it('adds an existing user once', () => {
    const created = groupDecider.decide({ type: 'CreateGroup', groupName: 'ops', metadata }, groupDecider.initialState, { accountExists: true, userExists: false });
    const state = fold(groupDecider, created);
    const added = groupDecider.decide({ type: 'AddUserToGroup', groupName: 'ops', userName: 'alice', metadata }, state, { accountExists: true, userExists: true });
    expect(added).toEqual([{ type: 'UserAddedToGroup', data: { userName: 'alice' } }]);
    expect(groupDecider.decide({ type: 'AddUserToGroup', groupName: 'ops', userName: 'alice', metadata }, fold(groupDecider, [...created, ...added]), { accountExists: true, userExists: true })).toEqual([]);
    expect(() => groupDecider.decide({ type: 'AddUserToGroup', groupName: 'ops', userName: 'ghost', metadata }, state, { accountExists: true, userExists: false })).toThrow(NotFoundError);
  });
});

describe('tokenDecider', () => {
  const create = (expiresInSeconds: number) =>
    tokenDecider.decide({ type: 'CreateToken', tokenId: 'tok_1', tokenHash: 'h', principalId: 'alice', expiresInSeconds, description: null, session: null, metadata }, tokenDecider.initialState, undefined);

  it('computes the expiry from the command time and bounds the lifetime', () => {
    expect(create(3600)[0]).toMatchObject({ type: 'TokenCreated', data: { expiresAt: '2026-11-25T04:00:00.000Z', createdAt: metadata.now, tokenHash: 'h' } });
    expect(issuesOf(() => create(59))).toEqual(['expiresInSeconds']);
    expect(issuesOf(() => create(TOKEN_LIFETIME.maxSeconds + 1))).toEqual(['expiresInSeconds']);
  });

  it('revokes once, only in its own account', () => {
    const state = fold(tokenDecider, create(3600));
    const revoked = tokenDecider.decide({ type: 'RevokeToken', tokenId: 'tok_1', metadata }, state, undefined);
    expect(revoked).toEqual([{ type: 'TokenRevoked', data: { revokedAt: metadata.now } }]);
    expect(tokenDecider.decide({ type: 'RevokeToken', tokenId: 'tok_1', metadata }, fold(tokenDecider, [...create(3600), ...revoked]), undefined)).toEqual([]);
    expect(() => tokenDecider.decide({ type: 'RevokeToken', tokenId: 'tok_1', metadata: { ...metadata, account: 'beta' } }, state, undefined)).toThrow(NotFoundError);
  });
});

describe('tokens and policies to attach', () => {
  it('issues 256-bit tokens of a recognizable shape, known by their SHA-256 only', () => {
    const a = issueToken('user');
    const b = issueToken('session');
    expect(a.token).toMatch(/^slu_[A-Za-z0-9_-]{43}$/);
    expect(b.token).toMatch(/^slus_[A-Za-z0-9_-]{43}$/);
    expect(a.tokenHash).toBe(hashToken(a.token));
    expect(a.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.token).not.toBe(issueToken('user').token);
    expect([a.token, b.token].every(looksLikeToken)).toBe(true);
    expect(looksLikeToken(a.tokenHash)).toBe(false);
  });

  it('takes a managed policy by name (Approver with a scope) or an inline document, with paths for what is wrong', () => {
    expect(attachedPolicyFrom({ managedPolicy: 'Approver', approverScope: { pipeline: 'web', stage: 'Prod' } })).toEqual({ type: 'managed', name: 'Approver', pipeline: 'web', stage: 'Prod', action: null });
    expect(issuesOf(() => attachedPolicyFrom({ managedPolicy: 'Approver', approverScope: { pipeline: 'web', action: 'Approve' } }))).toEqual(['approverScope.stage']);
    expect(issuesOf(() => attachedPolicyFrom({}))).toEqual(['managedPolicy']);
    expect(issuesOf(() => attachedPolicyFrom({ document: { Statement: [{ Effect: 'Allow', Action: 'sluice:GetPipeline', Resource: '*' }] } }))).toEqual(['policyName']);
    expect(issuesOf(() => attachedPolicyFrom({ policyName: 'P', document: { Statement: [{ Effect: 'Allow', Action: 'sluice:GetPipeline', Resource: '*', Condition: { IpAddress: { 'sluice:SourceIp': 'nope' } } }] } }))).toEqual([
      '$.Statement[0].Condition.IpAddress["sluice:SourceIp"]',
    ]);
  });
});
