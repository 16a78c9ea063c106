import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform, type Platform } from './platform';

// The platform as `npm start` runs it (embedded store, in-process bus, relay), through its HTTP surface.
describe('embedded platform', () => {
  let dataDir: string;
  let platform: Platform;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-platform-'));
    platform = await startPlatform({ eventStore: { kind: 'embedded', dataDir }, bus: { kind: 'in-process' }, port: 0 }, () => undefined);
  });

  afterAll(async () => {
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (path: string) => {
    const res = await fetch(`${platform.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('serves the history it stored and relays it to the bus', async () => {
    await platform.eventStore.store.append('pipeline-acme.web', [
      { type: 'PipelineCreated', data: { name: 'web' }, metadata: { actor: 'alice', account: 'acme' } },
      { type: 'StageTransitionDisabled', data: { stage: 'Deploy', reason: 'freeze' } },
    ]);
    const { status, body } = await get('/events?fromPosition=0&maxCount=10');
    expect(status).toBe(200);
    const events = body.events as Array<Record<string, unknown>>;
    expect(events.map((e) => e.type)).toEqual(['PipelineCreated', 'StageTransitionDisabled']);
    expect(events[0]).toMatchObject({ streamId: 'pipeline-acme.web', revision: '0', metadata: { actor: 'alice', account: 'acme' } });

    const deadline = Date.now() + 10_000;
    let health = await get('/health');
    while (health.body.relayedPosition !== events[1]!.position && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      health = await get('/health');
    }
    expect(health.body).toMatchObject({ status: 'ok', bus: 'in-process bus', relayedPosition: events[1]!.position });
  });

  it('answers a bad query with the parameter it did not like', async () => {
    const { status, body } = await get('/events?maxCount=abc');
    expect(status).toBe(400);
    expect(body.error).toContain("'maxCount'");
  });
});
