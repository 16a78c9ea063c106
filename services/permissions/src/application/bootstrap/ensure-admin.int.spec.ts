import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { authorize } from '@sluice/authz';
import { embeddedStoreForFile } from '@sluice/eventing/testing';
import { PermissionsProjection } from '../../projections/permissions-projection';
import { hashToken } from '../../domain/token-secret';
import { ensureAdmin } from './ensure-admin';

// The embedded platform's first start, on PGlite (what embedded mode runs on), folded by the service's own projection.
const embedded = embeddedStoreForFile('sluice-permissions-');
const { dataDir } = embedded;

async function authenticated(token: string, now = new Date()) {
  const projection = new PermissionsProjection(embedded.store);
  await projection.start();
  try {
    return projection.identities.authenticate(hashToken(token), now);
  } finally {
    await projection.stop();
  }
}

describe('ensureAdmin', () => {
  it('creates the account, an Admin user and a token on first start, and writes the token to admin-token (0600)', async () => {
    const first = await ensureAdmin(embedded.store, { dataDir });
    if (!first.created) throw new Error('expected the admin to be created');
    expect(first).toMatchObject({ account: 'default', userName: 'admin', tokenFile: join(dataDir, 'admin-token') });
    expect(first.token).toMatch(/^slu_/);
    expect(readFileSync(first.tokenFile!, 'utf8')).toBe(`${first.token}\n`);
    expect(statSync(first.tokenFile!).mode & 0o777).toBe(0o600);

    const who = await authenticated(first.token);
    expect(who).toMatchObject({ actor: 'admin', principal: { id: 'admin', account: 'default' } });
    expect(authorize({ principal: who!.principal, action: 'sluice:CreateUser', resource: 'srn:sluice:default:', context: { currentTime: new Date() } }).allowed).toBe(true);
    // Ten years, not the 90-day default: the embedded admin must not lock itself out.
    expect(Date.parse(first.expiresAt) - Date.now()).toBeGreaterThan(9 * 365 * 24 * 3600_000);
  });

  it('does nothing on later starts: no new token, the file stays', async () => {
    const before = readFileSync(join(dataDir, 'admin-token'), 'utf8');
    expect(await ensureAdmin(embedded.store, { dataDir })).toEqual({ created: false, account: 'default', userName: 'admin' });
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8')).toBe(before);
    expect(await authenticated(before.trim())).not.toBeUndefined();
  });

  it('bootstraps another account without a data dir, and its token expires like any other', async () => {
    const longAgo = new Date(Date.now() - 11 * 366 * 24 * 3600_000);
    const old = await ensureAdmin(embedded.store, { account: 'legacy', now: longAgo });
    if (!old.created) throw new Error('expected the admin to be created');
    expect(old.tokenFile).toBeNull();
    expect(await authenticated(old.token)).toBeUndefined();
    expect(await authenticated(old.token, new Date(Date.parse(old.expiresAt) - 1000))).toBeDefined();
  });
});

describe('ensureAdmin for several users of one new account at once', () => {
  it('creates the account once and every user', async () => {
    const ensured = await Promise.all(['u1', 'u2', 'u3'].map((userName) => ensureAdmin(embedded.store, { account: 'crowd', userName })));
    expect(ensured.map((e) => e.created)).toEqual([true, true, true]);
    expect(await embedded.store.readStream('account-crowd')).toHaveLength(1);
  });
});
