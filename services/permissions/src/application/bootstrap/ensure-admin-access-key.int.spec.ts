import { readFileSync, statSync } from 'node:fs';
import { embeddedStoreForFile } from '@sluice/eventing/testing';
import { accessKeyCipherFromEnv } from '../access-key-cipher';
import { PermissionsProjection } from '../../projections/permissions-projection';
import { ensureAdmin } from './ensure-admin';
import { ensureAdminAccessKey } from './ensure-admin-access-key';

// The embedded platform's first start and a restart, on PGlite (what embedded mode runs on), read back by the service's own code.
const embedded = embeddedStoreForFile('sluice-admin-key-');
const { dataDir } = embedded;

const credentialsOf = (text: string) => ({ id: /^aws_access_key_id = (\S+)$/m.exec(text)![1]!, secret: /^aws_secret_access_key = (\S+)$/m.exec(text)![1]! });

it('writes the admin key pair once (0600), and the read model holds it encrypted for the admin', async () => {
  await ensureAdmin(embedded.store, { account: 'default', dataDir });
  const cipher = accessKeyCipherFromEnv({}, { dataDir });
  const first = await ensureAdminAccessKey(embedded.store, { dataDir, cipher });
  expect(first.created).toBe(true);
  expect(statSync(first.file).mode & 0o777).toBe(0o600);
  const text = readFileSync(first.file, 'utf8');
  expect(text).toMatch(/^\[default\]$/m);
  const { id, secret } = credentialsOf(text);
  expect(id).toBe(first.accessKeyId);

  // A restart: the file is there, nothing new; the key still resolves (with a cipher reading the same key file).
  const again = await ensureAdminAccessKey(embedded.store, { dataDir, cipher: accessKeyCipherFromEnv({}, { dataDir }) });
  expect(again).toEqual({ created: false, file: first.file, accessKeyId: id });
  expect(readFileSync(first.file, 'utf8')).toBe(text);

  const projection = new PermissionsProjection(embedded.store);
  await projection.start();
  try {
    // (The service's lookup, AccessKeyHandlers.accessKeySecret, loads Nest and is covered by the gateway's e2e.)
    const view = projection.accessKeys.key(id)!;
    expect(view).toMatchObject({ account: 'default', principalId: 'admin', deletedAt: null });
    expect(view.encryptedSecret).not.toContain(secret);
    expect(await accessKeyCipherFromEnv({}, { dataDir }).decrypt(view.encryptedSecret, { accessKeyId: id, account: 'default' })).toBe(secret);
    expect(projection.identities.authorizationPrincipal('default', 'admin')!.policies.map((p) => p.name)).toEqual(['Admin']);
  } finally {
    await projection.stop();
  }
});
