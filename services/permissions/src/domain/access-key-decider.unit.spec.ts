import { NotFoundError } from '@sluice/domain';
import { deciderSpec } from '@sluice/domain/testing';
import type { AccessKeyEvent } from '@sluice/contracts';
import { accessKeyDecider, type AccessKeyCommand } from './access-key-decider';

const metadata = (account = 'acme') => ({ now: '2026-01-02T03:04:05.000Z', account, actor: 'admin', correlationId: 'c-1' });
const create: AccessKeyCommand = { type: 'CreateAccessKey', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', principalId: 'alice', encryptedSecret: 'v1.x', metadata: metadata() };
const created: AccessKeyEvent = { type: 'AccessKeyCreated', data: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', account: 'acme', principalId: 'alice', encryptedSecret: 'v1.x', createdAt: '2026-01-02T03:04:05.000Z' } };
const deleted: AccessKeyEvent = { type: 'AccessKeyDeleted', data: { deletedAt: '2026-01-02T03:04:05.000Z' } };
const withPrincipal = deciderSpec(accessKeyDecider, { principalExists: true });
const withoutPrincipal = deciderSpec(accessKeyDecider, { principalExists: false });

describe('access key decider', () => {
  it('creates a key for an existing principal, in the caller account', () => {
    withPrincipal([]).when(create).then([created]);
  });
  it('refuses a key for an unknown principal', () => {
    withoutPrincipal([]).when(create).thenThrows(NotFoundError);
  });
  it('deletes once; deleting again changes nothing', () => {
    const del: AccessKeyCommand = { type: 'DeleteAccessKey', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', metadata: metadata() };
    withPrincipal([created]).when(del).then([deleted]);
    withPrincipal([created, deleted]).when(del).thenNothingHappened();
  });
  it("treats another account's key as unknown", () => {
    const del: AccessKeyCommand = { type: 'DeleteAccessKey', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', metadata: metadata('other') };
    withPrincipal([created]).when(del).thenThrows(NotFoundError);
  });
});
