import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileWebhookSecrets } from './trigger-components';

// Several triggers processes start at once on one data folder (start:distributed, the distributed e2e): the first
// creates webhook-secrets.json, and none may read it half-written.
describe('webhook-secrets.json', () => {
  it('is created once, whole, when several starts race for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-webhook-secrets-'));
    try {
      const file = join(dir, 'webhook-secrets.json');
      const started = await Promise.all(Array.from({ length: 8 }, () => fileWebhookSecrets(file)));
      const created = started.filter((secrets) => secrets.created !== undefined);
      expect(created).toHaveLength(1);
      const secret = created[0]!.created!.secret;
      for (const secrets of started) expect((await secrets.lookup('default'))?.secret).toBe(secret);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ default: { account: 'default', secret } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
