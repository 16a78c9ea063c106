import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { appendAuditRecord, type AuditRecord, auditStreamOf, type DecisionKind } from '@sluice/authz';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import { dropTestSchema, newTestSchema, startPermissionsService, type PermissionsServiceProcess } from '../testing/permissions-service-process';

// Audit records are written by the gateway (appendAuditRecord into the store); the service reads them back.
const schema = newTestSchema();
let service: PermissionsServiceProcess;
let store: PostgresEventStore;

beforeAll(async () => {
  service = await startPermissionsService(schema);
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
});

afterAll(async () => {
  await service?.stop();
  await store?.close();
  await dropTestSchema(schema);
});

const gql = (query: string, variables: Record<string, unknown>, account: string) => service.graphql(query, variables, { 'x-sluice-account': account, 'x-sluice-actor': 'auditor' });
const codes = (response: { errors?: Array<{ extensions?: { code?: string } }> }) => (response.errors ?? []).map((e) => e.extensions?.code);

const LOOKUP = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  lookupAuditEvents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id position time principal { id account } viaRole { id account } operation resource decision decidingStatement { policyName sid index } result requestParameters previousHash hash } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const VERIFY = 'query($account: String, $from: DateTime, $to: DateTime) { verifyAuditTrail(account: $account, from: $from, to: $to) { account ok checked lastHash firstBrokenLink { position id storePosition reason explanation } } }';

const base = Date.UTC(2026, 10, 25, 0, 0, 0);
const at = (minute: number) => new Date(base + minute * 60_000).toISOString();

function record(account: string, n: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  const decision: DecisionKind = n % 5 === 0 ? 'ImplicitDeny' : 'Allow';
  return {
    id: randomUUID(),
    time: at(n),
    principal: { id: n % 2 === 0 ? 'alice' : 'bob', account },
    viaRole: null,
    operation: n % 3 === 0 ? 'sluice:StartPipelineExecution' : 'sluice:GetPipelineState',
    resource: `srn:sluice:${account}:${n % 4 === 0 ? 'web' : 'api'}`,
    requestParameters: { name: 'web', token: '[REDACTED]' },
    decision,
    decidingStatement: decision === 'Allow' ? { policyName: 'Operator', index: 1 } : null,
    result: decision === 'Allow' ? { status: 'succeeded' } : { status: 'denied' },
    sourceIp: '127.0.0.1',
    userAgent: 'jest',
    requestId: randomUUID(),
    ...overrides,
  };
}

/** The records the service has folded in, paging newest first until the end. */
async function lookupAll(account: string, filter: Record<string, unknown> | null, first: number) {
  const nodes: any[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const response = await gql(LOOKUP, { filter, first, after }, account);
    expect(response.errors).toBeUndefined();
    const page = response.data!.lookupAuditEvents;
    nodes.push(...page.edges.map((edge: { node: unknown }) => edge.node));
    pages++;
    if (!page.pageInfo.hasNextPage) return { nodes, pages };
    after = page.pageInfo.endCursor;
  }
}

async function waitForCount(account: string, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { nodes } = await lookupAll(account, null, 500);
    if (nodes.length >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${nodes.length} of ${count} audit records reached the service`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a burst of concurrent audit appends', () => {
  it('yields one record per call, an unbroken chain, and pages through all of them newest first', async () => {
    const records = Array.from({ length: 200 }, (_, n) => record('burst', n));
    await Promise.all(records.map((r) => appendAuditRecord(store, r)));
    await waitForCount('burst', 200);

    const { nodes, pages } = await lookupAll('burst', null, 30);
    expect(pages).toBe(7);
    expect(nodes).toHaveLength(200);
    expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(records.map((r) => r.id)));
    expect(nodes.map((n) => n.position)).toEqual(Array.from({ length: 200 }, (_, i) => 199 - i));
    // Each record links to the one before it in the chain.
    for (let i = 0; i < nodes.length - 1; i++) expect(nodes[i].previousHash).toBe(nodes[i + 1].hash);

    const verified = (await gql(VERIFY, {}, 'burst')).data!.verifyAuditTrail;
    expect(verified).toEqual({ account: 'burst', ok: true, checked: 200, lastHash: nodes[0].hash, firstBrokenLink: null });
  });
});

describe('lookupAuditEvents', () => {
  const account = 'lookup';
  beforeAll(async () => {
    for (let n = 0; n < 40; n++) await appendAuditRecord(store, record(account, n));
    await appendAuditRecord(store, record('other', 1, { principal: { id: 'mallory', account: 'other' } }));
    // A role session of carol (another account) acting in this account: recorded here, findable by either id.
    await appendAuditRecord(store, record(account, 41, { principal: { id: 'carol', account: 'beta' }, viaRole: { id: 'Deployer', account } }));
    await waitForCount(account, 41);
  });

  const ids = async (filter: Record<string, unknown>) => (await lookupAll(account, filter, 500)).nodes;

  it('filters by principal (or the role it acted through), operation, resource, decision and time', async () => {
    expect((await ids({ principal: 'alice' })).every((n) => n.principal.id === 'alice')).toBe(true);
    expect(await ids({ principal: 'alice' })).toHaveLength(20);
    const viaRole = await ids({ principal: 'Deployer' });
    expect(viaRole).toHaveLength(1);
    expect(viaRole[0]).toMatchObject({ principal: { id: 'carol', account: 'beta' }, viaRole: { id: 'Deployer', account } });
    expect(await ids({ principal: 'carol' })).toHaveLength(1);

    const starts = await ids({ operation: 'SLUICE:startpipelineexecution' });
    expect(starts).toHaveLength(14);
    expect(starts.every((n) => n.operation === 'sluice:StartPipelineExecution')).toBe(true);
    expect(await ids({ resource: `srn:sluice:${account}:web` })).toHaveLength(10);
    expect(await ids({ resource: `srn:sluice:${account}:*` })).toHaveLength(41);
    const denied = await ids({ decision: 'ImplicitDeny' });
    expect(denied.map((n) => n.time)).toEqual([35, 30, 25, 20, 15, 10, 5, 0].map(at));
    expect(denied[0]).toMatchObject({ decidingStatement: null, result: { status: 'denied' }, requestParameters: { token: '[REDACTED]' } });

    const window = await ids({ from: at(10), to: at(19) });
    expect(window.map((n) => n.time)).toEqual(Array.from({ length: 10 }, (_, i) => at(19 - i)));
    expect(await ids({ principal: 'bob', decision: 'ImplicitDeny', from: at(0), to: at(20) })).toHaveLength(2);
  });

  it('keeps accounts apart and refuses bad pages', async () => {
    expect((await lookupAll('other', null, 10)).nodes.map((n) => n.principal.id)).toEqual(['mallory']);
    expect(await ids({ principal: 'mallory' })).toEqual([]);
    expect(codes(await gql(LOOKUP, { first: 0 }, account))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(LOOKUP, { first: 10, after: 'not-a-cursor' }, account))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gql(VERIFY, { account: 'other' }, account))).toEqual(['FORBIDDEN']);
    const badTime = await gql(LOOKUP, { filter: { from: 'yesterday' } }, account);
    expect(badTime.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: 'filter.from' })]);
  });
});

describe('verifyAuditTrail', () => {
  const account = 'tamper';
  let client: Client;
  beforeAll(async () => {
    for (let n = 0; n < 20; n++) await appendAuditRecord(store, record(account, n));
    await waitForCount(account, 20);
    client = new Client({ connectionString: testPostgresUrl() });
    await client.connect();
  });
  afterAll(() => client?.end());

  const stored = async () => store.readStream(auditStreamOf(account));

  it('names the record changed in place in the events table, and checks a time range from the record before it', async () => {
    expect((await gql(VERIFY, {}, account)).data!.verifyAuditTrail).toMatchObject({ ok: true, checked: 20 });
    const victim = (await stored())[5]!;
    // Turn a denial into an allow, directly in PostgreSQL.
    const updated = await client.query(`UPDATE "${schema}".events SET data = (data::jsonb || '{"decision":"Allow"}'::jsonb)::json WHERE event_id = $1`, [victim.id]);
    expect(updated.rowCount).toBe(1);

    const verified = (await gql(VERIFY, {}, account)).data!.verifyAuditTrail;
    expect(verified).toMatchObject({ ok: false, checked: 20, firstBrokenLink: { position: 5, id: (victim.data as AuditRecord).id, storePosition: victim.position.toString(), reason: 'hash_mismatch' } });
    expect(verified.firstBrokenLink.explanation).toMatch(/changed after it was recorded/);

    // A range after the change verifies on its own (anchored on the record before it); a range holding it does not.
    expect((await gql(VERIFY, { from: at(10), to: at(15) }, account)).data!.verifyAuditTrail).toMatchObject({ ok: true, checked: 6 });
    expect((await gql(VERIFY, { from: at(3), to: at(9) }, account)).data!.verifyAuditTrail).toMatchObject({ ok: false, checked: 7, firstBrokenLink: { position: 5 } });
  });

  it('names a record rewritten with a recomputed hash, and records cut off the end, against what it saw appended', async () => {
    const events = await stored();
    const { chainAuditRecord } = await import('@sluice/authz');
    const twelfth = events[12]!.data as AuditRecord & { previousHash: string | null };
    // A careful forger recomputes the hash: the chain's own links then break at the next record…
    const forged = chainAuditRecord(twelfth.previousHash, { ...twelfth, operation: 'sluice:GetPipeline' });
    await client.query(`UPDATE "${schema}".events SET data = $2::json WHERE event_id = $1`, [events[12]!.id, JSON.stringify(forged)]);
    const fromEleven = (await gql(VERIFY, { from: at(11), to: at(12) }, account)).data!.verifyAuditTrail;
    // …and within a range ending at it, only the checkpoint of what was appended catches it.
    expect(fromEleven).toMatchObject({ ok: false, firstBrokenLink: { position: 12, reason: 'differs_from_checkpoint' } });

    await client.query(`DELETE FROM "${schema}".events WHERE stream_id = $1 AND revision >= 18`, [auditStreamOf(account)]);
    // (From 14: record 13 no longer follows the forged 12, which the chain alone names.)
    expect((await gql(VERIFY, { from: at(13) }, account)).data!.verifyAuditTrail).toMatchObject({ ok: false, firstBrokenLink: { position: 13, reason: 'previous_hash_mismatch' } });
    const cut = (await gql(VERIFY, { from: at(14) }, account)).data!.verifyAuditTrail;
    expect(cut).toMatchObject({ ok: false, checked: 4, firstBrokenLink: { position: 18, id: null, reason: 'missing_records' } });
  });
});
