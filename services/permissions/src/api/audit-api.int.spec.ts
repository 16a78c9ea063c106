import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { appendAuditRecord as append, type AuditRecord, auditStreamOf, canonicalJson, chainAuditRecord, type ChainedAuditRecord, type DecisionKind } from '@sluice/authz';
import { TEST_AUDIT_KEY, TEST_AUDIT_KEY_TEXT } from '@sluice/authz/testing';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';
import { dropTestSchema, newTestSchema, startPermissionsService, type PermissionsServiceProcess } from '../testing/permissions-service-process';
import { errorCodes } from '@sluice/graphql-service/testing';

// Audit records are written by the gateway (appendAuditRecord into the store); the service reads them back.
// The key is the gateway's and the service's alike (SLUICE_AUDIT_KEY); the checkpoints live in the service's data folder.
const schema = newTestSchema();
let service: PermissionsServiceProcess;
let store: PostgresEventStore;
let dataDir: string;
const serviceEnv = () => ({ SLUICE_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, SLUICE_DATA_DIR: dataDir });
const appendAuditRecord = (target: PostgresEventStore, record: AuditRecord) => append(target, record, { key: TEST_AUDIT_KEY });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sluice-audit-api-'));
  service = await startPermissionsService(schema, { env: serviceEnv() });
  store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
});

afterAll(async () => {
  await service?.stop();
  await store?.close();
  await dropTestSchema(schema);
  await rm(dataDir, { recursive: true, force: true });
});

const gql = (query: string, variables: Record<string, unknown>, account: string) => service.graphql(query, variables, { 'x-sluice-account': account, 'x-sluice-actor': 'auditor' });

const LOOKUP = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  lookupAuditEvents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id position time principal { id account } viaRole { id account } operation resource decision decidingStatement { policyName sid index } result resultOf requestParameters previousHash hash } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const VERIFY = 'query($account: String, $from: DateTime, $to: DateTime) { verifyAuditTrail(account: $account, from: $from, to: $to) { account ok checked lastHash firstBrokenLink { position id storePosition reason explanation } } }';

const base = Date.UTC(2026, 10, 25, 0, 0, 0);
const at = (minute: number) => new Date(base + minute * 60_000).toISOString();

/** What someone who can write to the store but has no key can do: recompute plain SHA-256 over a rewritten record. */
function unkeyed(previousHash: string | null, content: AuditRecord, options: { keepChainMark?: boolean } = {}): ChainedAuditRecord {
  const { hash: _hash, chain: _chain, previousHash: _previous, ...rest } = content as ChainedAuditRecord;
  const linked = options.keepChainMark ? { ...rest, chain: 'hmac-sha256' as const, previousHash } : { ...rest, previousHash };
  return { ...linked, hash: createHash('sha256').update(canonicalJson(linked), 'utf8').digest('hex') };
}

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

    // Reads hidden (the dashboard's "Hide reads"): only the changes stay, denied ones too.
    const changes = await ids({ excludeReads: true });
    expect(changes.map((n) => n.operation)).toEqual(Array.from({ length: 14 }, () => 'sluice:StartPipelineExecution'));
    expect(changes.filter((n) => n.decision === 'ImplicitDeny')).toHaveLength(3);
    expect(await ids({ excludeReads: false })).toHaveLength(41);
  });

  it('keeps accounts apart and refuses bad pages', async () => {
    expect((await lookupAll('other', null, 10)).nodes.map((n) => n.principal.id)).toEqual(['mallory']);
    expect(await ids({ principal: 'mallory' })).toEqual([]);
    expect(errorCodes(await gql(LOOKUP, { first: 0 }, account))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(LOOKUP, { first: 10, after: 'not-a-cursor' }, account))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await gql(VERIFY, { account: 'other' }, account))).toEqual(['FORBIDDEN']);
    const badTime = await gql(LOOKUP, { filter: { from: 'yesterday' } }, account);
    expect(badTime.errors?.[0]?.extensions?.issues).toEqual([expect.objectContaining({ path: 'filter.from' })]);
  });
});

describe('a change recorded before it ran (decision 0028)', () => {
  it('shows once in lookups, by its outcome once recorded, and every record stays in the verified chain', async () => {
    const account = 'attempts';
    const done = await appendAuditRecord(store, record(account, 1, { operation: 'sluice:UpdatePipeline', result: { status: 'attempted' } }));
    await appendAuditRecord(store, record(account, 2, { operation: 'sluice:UpdatePipeline', resultOf: done.id, requestId: done.requestId }));
    const pending = await appendAuditRecord(store, record(account, 3, { operation: 'sluice:DeletePipeline', result: { status: 'attempted' } }));
    await waitForCount(account, 2);
    const { nodes } = await lookupAll(account, null, 10);
    expect(nodes.map((n) => [n.operation, n.result.status, n.resultOf ?? null])).toEqual([
      ['sluice:DeletePipeline', 'attempted', null],
      ['sluice:UpdatePipeline', 'succeeded', done.id],
    ]);
    expect(nodes[0].id).toBe(pending.id);
    expect((await gql(VERIFY, {}, account)).data!.verifyAuditTrail).toMatchObject({ ok: true, checked: 3 });
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
    const twelfth = events[12]!.data as AuditRecord & { previousHash: string | null };
    // A forger without the key cannot recompute the keyed hash: the record itself is named.
    await client.query(`UPDATE "${schema}".events SET data = $2::json WHERE event_id = $1`, [events[12]!.id, JSON.stringify(unkeyed(twelfth.previousHash, { ...twelfth, operation: 'sluice:GetPipeline' }))]);
    expect((await gql(VERIFY, { from: at(11), to: at(12) }, account)).data!.verifyAuditTrail).toMatchObject({ ok: false, firstBrokenLink: { position: 12, reason: 'hash_mismatch' } });
    // One holding the key recomputes it: the chain's own links then break at the next record…
    const forged = chainAuditRecord(twelfth.previousHash, { ...twelfth, operation: 'sluice:GetPipeline' }, TEST_AUDIT_KEY);
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

describe('verifyAuditTrail after a restart (decision 0028)', () => {
  let client: Client;
  const rewritten = 'rewritten';
  const cut = 'cut';
  beforeAll(async () => {
    client = new Client({ connectionString: testPostgresUrl() });
    await client.connect();
    for (const account of [rewritten, cut]) for (let n = 0; n < 10; n++) await appendAuditRecord(store, record(account, n));
    await waitForCount(rewritten, 10);
    await waitForCount(cut, 10);
    for (const account of [rewritten, cut]) expect((await gql(VERIFY, {}, account)).data!.verifyAuditTrail).toMatchObject({ ok: true, checked: 10 });
  });
  afterAll(() => client?.end());

  it('names the first record of a tail rewritten consistently without the key while the service was stopped, and the records cut off its end', async () => {
    await service.stop();
    // Records 6 to 9 rewritten as an attacker without the key would: each re-linked and re-hashed with plain SHA-256.
    const events = await store.readStream(auditStreamOf(rewritten));
    let previousHash = (events[5]!.data as ChainedAuditRecord).hash;
    for (const event of events.slice(6)) {
      const forged = unkeyed(previousHash, { ...(event.data as AuditRecord), decision: 'Allow', result: { status: 'succeeded' } }, { keepChainMark: event.revision % 2n === 0n });
      await client.query(`UPDATE "${schema}".events SET data = $2::json WHERE event_id = $1`, [event.id, JSON.stringify(forged)]);
      previousHash = forged.hash;
    }
    // And two records cut off the end of the other trail: what is left is a consistent chain.
    await client.query(`DELETE FROM "${schema}".events WHERE stream_id = $1 AND revision >= 8`, [auditStreamOf(cut)]);

    service = await startPermissionsService(schema, { env: serviceEnv() });
    await waitForCount(rewritten, 10);
    const afterRewrite = (await gql(VERIFY, {}, rewritten)).data!.verifyAuditTrail;
    expect(afterRewrite).toMatchObject({ ok: false, firstBrokenLink: { position: 6, id: (events[6]!.data as AuditRecord).id, reason: 'hash_mismatch' } });
    const afterCut = (await gql(VERIFY, {}, cut)).data!.verifyAuditTrail;
    expect(afterCut).toMatchObject({ ok: false, checked: 8, firstBrokenLink: { position: 8, id: null, reason: 'missing_records' } });
    // The audit read model is durable (decision 0048): the restarted service still knows the 10 records it saw
    // appended, so the cut is named from them before the verifier's checkpoint (record 9 verified) is consulted.
    expect(afterCut.firstBrokenLink.explanation).toMatch(/The trail ends at record 7 but 10 records were appended/);
  });
});

describe('a trail from before the chain was keyed (decision 0028 migration)', () => {
  const oldSchema = newTestSchema();
  let oldDataDir: string;
  let oldService: PermissionsServiceProcess | undefined;
  let oldStore: PostgresEventStore;
  let client: Client;
  const account = 'old';
  afterAll(async () => {
    await oldService?.stop();
    await oldStore?.close();
    await client?.end();
    await dropTestSchema(oldSchema);
    await rm(oldDataDir, { recursive: true, force: true });
  });

  it('verifies the unkeyed records up to the mark made at the first start, the keyed ones after, and refuses an unkeyed record past the mark', async () => {
    oldDataDir = await mkdtemp(join(tmpdir(), 'sluice-audit-migration-'));
    oldStore = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema: oldSchema });
    // Five records as the platform wrote them before decision 0028: plain SHA-256, no mark.
    let previousHash: string | null = null;
    for (let n = 0; n < 5; n++) {
      const legacy = unkeyed(previousHash, record(account, n));
      await oldStore.append(auditStreamOf(account), [{ id: legacy.id, type: 'AuditRecorded', data: legacy, metadata: { account, actor: 'acme:alice', occurredAt: legacy.time, correlationId: legacy.requestId, causationId: null } }], {
        expectedRevision: n === 0 ? 'no_stream' : BigInt(n - 1),
      });
      previousHash = legacy.hash;
    }
    oldService = await startPermissionsService(oldSchema, { env: { SLUICE_AUDIT_KEY: TEST_AUDIT_KEY_TEXT, SLUICE_DATA_DIR: oldDataDir } });
    // Written from now on: keyed, chained onto the old records.
    for (let n = 5; n < 8; n++) await append(oldStore, record(account, n), { key: TEST_AUDIT_KEY });
    const deadline = Date.now() + 20_000;
    let verified;
    do {
      verified = (await oldService.graphql(VERIFY, {}, { 'x-sluice-account': account, 'x-sluice-actor': 'auditor' })).data!.verifyAuditTrail;
    } while (verified.checked < 8 && Date.now() < deadline && (await new Promise((r) => setTimeout(r, 100)), true));
    expect(verified).toMatchObject({ ok: true, checked: 8, firstBrokenLink: null });

    // A keyed record rewritten "as if old" (no mark, plain SHA-256) stands past the mark: broken.
    client = new Client({ connectionString: testPostgresUrl() });
    await client.connect();
    const events = await oldStore.readStream(auditStreamOf(account));
    const sixth = events[6]!.data as ChainedAuditRecord;
    await client.query(`UPDATE "${oldSchema}".events SET data = $2::json WHERE event_id = $1`, [events[6]!.id, JSON.stringify(unkeyed(sixth.previousHash, sixth))]);
    const tampered = (await oldService.graphql(VERIFY, {}, { 'x-sluice-account': account, 'x-sluice-actor': 'auditor' })).data!.verifyAuditTrail;
    expect(tampered).toMatchObject({ ok: false, firstBrokenLink: { position: 6, reason: 'hash_mismatch' } });
    expect(tampered.firstBrokenLink.explanation).toMatch(/not keyed with the audit key, but the trail is keyed from record 5 on/);
  });
});
