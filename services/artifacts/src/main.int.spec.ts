import { mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServiceProcess } from '@sluice/graphql-service/testing';

// The artifacts service, run as the distributed mode runs it (its own process), listens where every subgraph
// does: loopback unless the operator says otherwise (SLUICE_BIND_ADDRESS), so its byte routes are not offered
// to the network by default.
let root: string;
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-artifacts-main-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function listening(name: string, env: Record<string, string>): Promise<{ url: string; status: number; fromNetwork: number | 'refused' | undefined }> {
  const { SLUICE_BIND_ADDRESS: _operatorShell, ...inherited } = process.env;
  const saved = process.env.SLUICE_BIND_ADDRESS;
  delete process.env.SLUICE_BIND_ADDRESS;
  try {
    const service = await startServiceProcess({
      name: 'artifacts service',
      script: join(__dirname, 'main.ts'),
      cwd: join(__dirname, '..'),
      env: { ...(inherited as Record<string, string>), SLUICE_PORT: '0', SLUICE_DATA_DIR: join(root, name), SLUICE_EVENT_STORE: join(root, name, 'events'), ...env },
    });
    try {
      const status = (await fetch(`${service.url}/healthz`)).status;
      const port = new URL(service.url).port;
      const fromNetwork = lanAddress ? await fetch(`http://${lanAddress}:${port}/healthz`).then((answer) => answer.status, () => 'refused' as const) : undefined;
      return { url: service.url, status, fromNetwork };
    } finally {
      await service.stop();
    }
  } finally {
    if (saved !== undefined) process.env.SLUICE_BIND_ADDRESS = saved;
  }
}

it('binds 127.0.0.1 by default, and every interface only when the operator says so', async () => {
  const [byDefault, everywhere] = await Promise.all([listening('default', {}), listening('everywhere', { SLUICE_BIND_ADDRESS: '0.0.0.0' })]);
  expect(byDefault).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), status: 200 });
  expect(everywhere).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), status: 200 });
  // From this machine's own network address, what another host would reach (when the machine has one).
  if (lanAddress) {
    expect(byDefault.fromNetwork).toBe('refused');
    expect(everywhere.fromNetwork).toBe(200);
  }
}, 120_000);
