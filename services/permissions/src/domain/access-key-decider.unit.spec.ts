import { NotFoundError } from '@sluice/domain';
import { accessKeyDecider, type AccessKeyCommand, type AccessKeyState } from './access-key-decider';
import type { AccessKeyEvent } from '@sluice/contracts';

const metadata = (account = 'acme') => ({ now: '2026-01-02T03:04:05.000Z', account, actor: 'admin', correlationId: 'c-1' });
const create: AccessKeyCommand = { type: 'CreateAccessKey', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', principalId: 'alice', encryptedSecret: 'v1.x', metadata: metadata() };
const given = (events: AccessKeyEvent[]): AccessKeyState => events.reduce(accessKeyDecider.evolve, accessKeyDecider.initialState);
const created: AccessKeyEvent = { type: 'AccessKeyCreated', data: { accessKeyId: 'AKIAABCDEFGHIJKLMNOP', account: 'acme', principalId: 'alice', encryptedSecret: 'v1.x', createdAt: '2026-01-02T03:04:05.000Z' } };

describe('access key decider', () => {
  it('creates a key for an existing principal, in the caller account', () => {
    expect(accessKeyDecider.decide(create, given([]), { principalExists: true })).toEqual([created]);
  });
  it('refuses a key for an unknown principal', () => {
    expect(() => accessKeyDecider.decide(create, given([]), { principalExists: false })).toThrow(NotFoundError);
  });
  it('deletes once; deleting again changes nothing', () => {
    const del: AccessKeyCommand = { type: 'DeleteAccessKey', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', metadata: metadata() };
    const deleted = accessKeyDecider.decide(del, given([created]), { principalExists: true });
    expect(deleted).toEqual([{ type: 'AccessKeyDeleted', data: { deletedAt: '2026-01-02T03:04:05.000Z' } }]);
    expect(accessKeyDecider.decide(del, given([created, ...deleted]), { principalExists: true })).toEqual([]);
  });
  it("treats another account's key as unknown", () => {
    const del: AccessKeyCommand = { type: 'DeleteAccessKey', accessKeyId: 'AKIAABCDEFGHIJKLMNOP', metadata: metadata('other') };
    expect(() => accessKeyDecider.decide(del, given([created]), { principalExists: true })).toThrow(NotFoundError);
  });
});
