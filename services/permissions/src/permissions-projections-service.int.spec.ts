import { randomBytes, randomUUID } from 'node:crypto';
import { appendAuditRecord, type AuditRecord } from '@sluice/authz';
import { createPostgresEventStore, loadReadModelCheckpoint, readModelDatabaseOf, type PostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { inMemoryAuditCheckpoints } from './application/audit-checkpoints';
import { startPermissionsProjections, type PermissionsProjections } from './permissions-projections-service';
import { AuditReadModel } from './projections/audit-read-model';
import { PermissionsProjection } from './projections/permissions-projection';

// The audit trails folded by a process of its own (SLUICE_PERMISSIONS_ROLE=projections, docs/decisions/0061), and an
// API's projection that only follows them (audit: 'follow'): two store connections, as two processes have.
const schema = newTestSchema('permproj');
const secret = randomBytes(32).toString('base64url');
let folderStore: PostgresEventStore;
let apiStore: PostgresEventStore;
let projections: PermissionsProjections | undefined;
let api: PermissionsProjection | undefined;

const record = (account: string, n: number): AuditRecord => ({
  id: randomUUID(),
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  principal: { id: 'alice', account },
  viaRole: null,
  operation: 'sluice:GetPipelineState',
  resource: `srn:sluice:${account}:web`,
  requestParameters: { n },
  decision: 'Allow',
  decidingStatement: null,
  result: { status: 'succeeded' },
  sourceIp: '127.0.0.1',
  userAgent: 'jest',
  requestId: randomUUID(),
});

beforeAll(async () => {
  folderStore = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  apiStore = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
});

afterAll(async () => {
  await api?.stop();
  await projections?.stop();
  await folderStore?.close();
  await apiStore?.close();
  await dropTestSchema(schema);
});

describe('the permissions projections process and an API that follows it', () => {
  it('folds the trails apart: the API reads them, waits for its writes through the checkpoint, and never folds', async () => {
    for (let n = 0; n < 5; n++) await appendAuditRecord(apiStore, record('acme', n));
    // The API starts first (its tables created empty): it reads what nobody has folded yet, and folds nothing itself.
    api = new PermissionsProjection(apiStore, { audit: 'follow', waitTimeoutMs: 2_000 });
    await api.start();
    expect((await api.audit.lookup('acme', {}, 10, null)).records).toHaveLength(0);
    expect(() => api!.auditProjection).toThrow(/folded by another process/);
    const { position: fifth } = (await apiStore.readAll()).at(-1)!;
    await expect(api.auditPosition.waitForPosition(fifth)).rejects.toThrow(/did not reach position/);

    const checkpoints = inMemoryAuditCheckpoints();
    projections = await startPermissionsProjections({ eventStore: folderStore, serve: { port: 0, host: '127.0.0.1', internalSecret: secret }, auditCheckpoints: checkpoints, log: () => undefined });
    expect(projections.runner.eventsFolded).toBe(5);
    await api.auditPosition.waitForPosition(fifth);
    expect((await api.audit.lookup('acme', {}, 10, null)).records).toHaveLength(5);

    // Live: a record appended is in the API's reads once the projections process committed it.
    await appendAuditRecord(apiStore, record('acme', 5));
    const appended = (await apiStore.readAll()).at(-1)!;
    await api.auditPosition.waitForPosition(appended.position);
    expect((await api.audit.lookup('acme', {}, 10, null)).records.map((r) => r.record.requestParameters)).toEqual([5, 4, 3, 2, 1, 0].map((n) => ({ n })));
    const database = readModelDatabaseOf(apiStore)!;
    expect(await loadReadModelCheckpoint(database, new AuditReadModel(database))).toBe(appended.position);
    expect(projections.runner.eventsFolded).toBe(6);

    // Its HTTP face: health for anyone, metrics for the gateway's secret only, anything else not found.
    expect((await fetch(`${projections.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${projections.url}/readyz`)).json()).toEqual({ ready: true, checks: { 'permissions.audit': 'up' } });
    expect((await fetch(`${projections.url}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${projections.url}/metrics`, { headers: { 'x-sluice-internal-secret': secret } })).text();
    expect(metrics).toContain(`sluice_read_model_checkpoint{read_model="permissions.audit"} ${appended.position}`);
    expect(metrics).toContain('sluice_read_model_events_folded_total{read_model="permissions.audit"} 6');
    expect((await fetch(`${projections.url}/graphql`, { headers: { 'x-sluice-internal-secret': secret } })).status).toBe(404);

    // Stopped, the projections process folds nothing more: the API's wait for a later record times out.
    await projections.stop();
    projections = undefined;
    await appendAuditRecord(apiStore, record('acme', 6));
    await expect(api.auditPosition.waitForPosition((await apiStore.readAll()).at(-1)!.position)).rejects.toThrow(/did not reach position/);
    expect((await api.audit.lookup('acme', {}, 10, null)).records).toHaveLength(6);
  }, 30_000);
});
