import { loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { connect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { AUDIT_STREAM_PREFIX, auditRecordOf, type ChainedAuditRecord } from '@sluice/authz';
import { createPostgresEventStore, type EventStore } from '@sluice/eventing';
import { serviceEntryArguments } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';
import { artifactDownloadProxyRoute } from '../artifact-download-proxy';
import { cachingAuthenticator } from '../auth/authenticator';
import { permissionsAuthenticator } from '../auth/permissions-authenticator';
import { permissionsAccessKeys } from '../aws/permissions-access-keys';
import type { HttpRoute, RunningGateway } from '../gateway-server';
import { gatewayClient, type Caller } from '../testing/gateway-client';
import { dropTestSchema, newTestSchema, startSubgraphProcesses, type SubgraphProcesses } from '../testing/subgraph-processes';
import { adminCaller, startTestGateway, testSessionKey } from '../testing/test-gateway';
import { twoStagePipeline } from '@sluice/testing/fixtures';

// Issue 16: no caller can stall or blind the platform, and the gateway is no open proxy. Everything goes through
// real gateways (limits as configured, or lowered per test) in front of the pipelines, executions and permissions
// processes, on loopback only; each test bounded in requests and time.
const schema = newTestSchema();
let subgraphs: SubgraphProcesses;
let eventStore: EventStore;
let gateway: RunningGateway;
const extra: RunningGateway[] = [];
const listeners: Array<Server | TcpServer> = [];
const listenerSockets = new Set<Socket>();
let admin: Caller;
let rival: Caller;
let readOnly: Caller;

const ok = <T>(answer: { data?: T | null; errors?: Array<{ message: string }> }, what: string): T => {
  if (answer.errors?.length || !answer.data) throw new Error(`${what}: ${JSON.stringify(answer.errors)}`);
  return answer.data;
};

const auditOf = async (account: string): Promise<ChainedAuditRecord[]> => (await eventStore.readStream(`${AUDIT_STREAM_PREFIX}${account}`)).map(auditRecordOf);

const post = (url: string, body: unknown, caller?: Caller, path = '/graphql') =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(caller?.token ? { authorization: `Bearer ${caller.token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });

/** A client in its own thread: rounds of `concurrency` POSTs of `bodies` (in turn); posts back the statuses. */
const ATTACKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
// From another loopback address than the victim's (as an attacker on the network is): the limit per address is the
// attacker's own, the victim's requests are never counted against it.
const post = (url, token, body) => new Promise((resolve, reject) => {
  const req = http.request(url, { method: 'POST', localAddress: '127.0.0.2', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token } }, (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (text += chunk));
    // Which limit answered a 429: the address's (SLUICE_RATE_LIMIT_PER_ADDRESS) or the principal's.
    res.on('end', () => resolve(res.statusCode === 429 && text.includes('SLUICE_RATE_LIMIT_PER_ADDRESS') ? '429 address' : String(res.statusCode)));
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  const { url, token, bodies, minRounds, maxRounds, concurrency, stop } = workerData;
  const enough = new Int32Array(stop);
  const statuses = [];
  // At least minRounds; then on until the victim has its samples (it sets the flag), at most maxRounds.
  for (let round = 0; round < maxRounds && (round < minRounds || Atomics.load(enough, 0) === 0); round++) {
    statuses.push(...(await Promise.all(Array.from({ length: concurrency }, (_, i) => post(url, token, bodies[(round * concurrency + i) % bodies.length])))));
  }
  parentPort.postMessage(statuses);
})();
`;

const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length * 0.95) - 1)]!;

beforeAll(async () => {
  subgraphs = await startSubgraphProcesses(schema);
  eventStore = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
  gateway = await startTestGateway(subgraphs, eventStore);
  admin = await adminCaller(eventStore, 'acme');
  rival = await adminCaller(eventStore, 'globex');
  const asAdmin = gatewayClient(gateway.url, admin);
  ok(await asAdmin('mutation($p: JSON!) { createPipeline(pipeline: $p) { name } }', { p: twoStagePipeline('web') }), 'createPipeline');
  ok(await asAdmin('mutation { createUser(userName: "rita") { userName } }'), 'createUser');
  ok(await asAdmin('mutation { attachPolicy(targetType: USER, targetName: "rita", managedPolicy: "ReadOnly") { name } }'), 'attachPolicy');
  const token = ok(await asAdmin<{ createToken: { token: string } }>('mutation { createToken(principalId: "rita") { token } }'), 'createToken').createToken.token;
  readOnly = { account: 'acme', actor: 'rita', token };
}, 180_000);

afterAll(async () => {
  await Promise.all(extra.map((g) => g.stop()));
  await gateway?.stop();
  for (const socket of listenerSockets) socket.destroy();
  await Promise.all(listeners.map((l) => new Promise((resolve) => l.close(resolve))));
  await subgraphs?.stop();
  await eventStore?.close();
  await dropTestSchema(schema);
});

describe('GraphQL cost, depth and alias limits', () => {
  it('refuses 20,000 aliases in one 400 answer with one audit record at most, while another account’s query keeps answering within 200 ms p95', async () => {
    // As main.ts and the embedded platform run it: tokens cached by the gateway for 5 s.
    const authenticator = cachingAuthenticator(permissionsAuthenticator(`${subgraphs.permissions.url}/graphql`, { internalSecret: subgraphs.internalSecret }));
    const production = await startTestGateway(subgraphs, eventStore, { auth: { authenticator, sessionKey: testSessionKey(eventStore) } });
    extra.push(production);
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: getPipeline(name: "web") { name }`).join(' ')} }`;
    const huge = aliases(20_000);
    expect(Buffer.byteLength(huge)).toBeGreaterThan(600_000);
    const before = { acme: (await auditOf('acme')).length, default: (await auditOf('default')).length };

    const single = await post(production.url, { query: huge }, readOnly);
    const body = (await single.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(single.status).toBe(400);
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxQueryBytes' });
    expect(body.errors[0]!.message).toMatch(/SLUICE_GRAPHQL_MAX_QUERY_BYTES/);
    // Under the size limit, the aliases are counted before graphql-js validates them.
    const many = await post(production.url, { query: aliases(2_000) }, readOnly);
    expect([many.status, ((await many.json()) as typeof body).errors[0]!.extensions]).toEqual([400, expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'maxAliases', max: 100 })]);
    await production.flushRefusals();
    const single1 = (await auditOf('acme')).slice(before.acme);
    expect(single1.map((r) => [r.principal.id, r.operation, r.requestParameters.reason, r.requestParameters.count])).toEqual([
      ['rita', 'sluice:AdmitRequest', 'over SLUICE_GRAPHQL_MAX_QUERY_BYTES', 1],
      ['rita', 'sluice:AdmitRequest', 'over SLUICE_GRAPHQL_MAX_ALIASES', 1],
    ]);
    expect((await auditOf('default')).length).toBe(before.default);

    // The abuse, sustained from another thread (an attacker's client costs the attacker): at least 50 such requests, 2 at a
    // time, while globex's admin asks a plain query in a loop (once before, so that its plan is cached as on a
    // platform in use). Each 16 KiB of a body counts as a request against the rate: the tail is answered 429.
    const gql = gatewayClient(production.url, rival);
    ok(await gql('{ listPipelines { pageInfo { hasNextPage } } }'), 'warm-up');
    // The same query on the same machine without the abuse, in this run: the bar below is relative to it too, so
    // a machine busy with something else does not fail the test, while a stall (5.7 s before the limits) does.
    const quiet: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      ok(await gql('{ listPipelines { pageInfo { hasNextPage } } }'), 'quiet query');
      quiet.push(performance.now() - started);
    }
    // The victim's p95 is read over at least 40 calls (a p95 of fewer is their slowest one, which one scheduling
    // hiccup of a busy machine decides): the attack goes on past its 50 requests until the victim has them.
    const stop = new SharedArrayBuffer(4);
    const attacker = new Worker(ATTACKER, {
      eval: true,
      workerData: { url: `${production.url}/graphql`, token: readOnly.token, bodies: [JSON.stringify({ query: huge }), JSON.stringify({ query: aliases(2_000) })], minRounds: 25, maxRounds: 600, concurrency: 2, stop },
    });
    const attack = new Promise<string[]>((resolve, reject) => {
      attacker.once('message', resolve);
      attacker.once('error', reject);
    });
    let attacking = true;
    const startedAt = performance.now();
    const latencies: number[] = [];
    const victim = (async () => {
      while (attacking) {
        const started = performance.now();
        const answer = await gql('{ listPipelines { pageInfo { hasNextPage } } }');
        latencies.push(performance.now() - started);
        if (latencies.length >= 40) Atomics.store(new Int32Array(stop), 0, 1);
        expect(answer.errors).toBeUndefined();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const statuses = await attack.finally(() => void (attacking = false));
    await victim;
    await attacker.terminate();
    const attackMs = performance.now() - startedAt;
    const refused = statuses.filter((status) => status === '400').length;
    const limited = statuses.filter((status) => status.startsWith('429')).length;
    // What the attacker's address was refused is recorded per address (the flood test below), not as rita's.
    const ofRita = statuses.length - statuses.filter((status) => status === '429 address').length;
    expect(statuses.length).toBeGreaterThanOrEqual(50);
    expect(refused + limited).toBe(statuses.length);
    expect(refused).toBeGreaterThanOrEqual(20);
    expect(latencies.length).toBeGreaterThanOrEqual(40);
    console.log(
      `abuse: ${statuses.length} requests of 600 KB / 2,000 aliases in ${attackMs.toFixed(0)} ms (${refused} × 400, ${limited} × 429); another account's query p95 ${p95(latencies).toFixed(1)} ms over ${latencies.length} calls (without the abuse: p95 ${p95(quiet).toFixed(1)} ms over 20; load average ${loadavg()[0]!.toFixed(2)})`,
    );
    expect(p95(latencies)).toBeLessThan(Math.max(200, 3 * p95(quiet)));

    // Counted per principal, reason and minute: the refusals are at most 3 records a minute (twice that across a
    // minute's end), never one each.
    await production.flushRefusals();
    const burst = (await auditOf('acme')).slice(before.acme + 2);
    expect(burst.every((r) => r.principal.id === 'rita' && r.operation === 'sluice:AdmitRequest')).toBe(true);
    expect(burst.length).toBeLessThanOrEqual(6);
    expect(burst.reduce((sum, r) => sum + Number(r.requestParameters.count), 0)).toBe(ofRita);
  }, 120_000);

  it('refuses depth and cost over the limits the operator set, in one 400 naming the variable', async () => {
    const strict = await startTestGateway(subgraphs, eventStore, { limits: { graphql: { maxDepth: 3, maxCost: 500, maxRootFields: 2 } } });
    extra.push(strict);
    const answer = async (query: string) => {
      const res = await post(strict.url, { query }, admin);
      return [res.status, ((await res.json()) as { errors?: Array<{ message: string; extensions: { code: string; limit: string } }> }).errors?.map((e) => `${e.extensions.code} ${e.extensions.limit} ${e.message}`)];
    };
    expect(await answer('{ getPipeline(name: "web") { metadata { version } } }')).toEqual([200, undefined]);
    expect(await answer('{ getPipeline(name: "web") { state { stageStates { stageName } } } }')).toEqual([400, [expect.stringMatching(/^QUERY_TOO_COMPLEX maxDepth .*SLUICE_GRAPHQL_MAX_DEPTH/)]]);
    expect(await answer('{ listPipelineExecutions(pipelineName: "web", first: 1000) { nodes { pipelineExecutionId } } }')).toEqual([400, [expect.stringMatching(/^QUERY_TOO_COMPLEX maxCost .*SLUICE_GRAPHQL_MAX_COST/)]]);
    expect(await answer('{ a: whoami { account } b: whoami { account } c: whoami { account } }')).toEqual([400, [expect.stringMatching(/^QUERY_TOO_COMPLEX maxRootFields .*3 root fields/)]]);
  });
});

describe('names no resource can have', () => {
  it('answers 400 BAD_USER_INPUT naming the argument, never 500, and audits the call as refused', async () => {
    const before = (await auditOf('acme')).length;
    const names = ['a b', 'a/b', 'web\u202e', 'x'.repeat(101), '__proto__ x'];
    for (const name of names) {
      const res = await post(gateway.url, { query: 'query($n: String!) { getPipeline(name: $n) { name } }', variables: { n: name } }, readOnly);
      const body = (await res.json()) as { errors: Array<{ message: string; extensions: { code: string; issues: Array<{ path: string }> } }> };
      expect([name, res.status, body.errors.map((e) => e.extensions.code)]).toEqual([name, 400, ['BAD_USER_INPUT']]);
      expect(body.errors[0]!.message).toMatch(/^getPipeline\(name: The pipeline name /);
      expect(body.errors[0]!.extensions.issues).toEqual([expect.objectContaining({ path: 'name' })]);
    }
    const stage = await post(gateway.url, { query: 'mutation { disableStageTransition(pipelineName: "web", stageName: "Build now", transitionType: Inbound, reason: "x") { enabled } }' }, admin);
    expect([stage.status, ((await stage.json()) as { errors: Array<{ message: string }> }).errors[0]!.message]).toEqual([400, expect.stringMatching(/^disableStageTransition\(stageName: The stage name "Build now"/)]);
    const account = await post(gateway.url, { query: '{ verifyAuditTrail(account: "Not An Account") { ok } }' }, admin);
    expect([account.status, ((await account.json()) as { errors: Array<{ message: string }> }).errors[0]!.message]).toEqual([400, expect.stringMatching(/^verifyAuditTrail\(account: The account id "Not An Account"/)]);
    const records = (await auditOf('acme')).slice(before);
    expect(records.filter((r) => r.operation === 'sluice:GetPipeline').map((r) => [r.principal.id, r.result])).toEqual(names.map(() => ['rita', { status: 'failed', errorCode: 'BAD_USER_INPUT' }]));
  });
});

describe('refused and unauthenticated calls in the audit trail', () => {
  it('records a flood of 300 requests without a token as one record per address, reason and minute', async () => {
    await gateway.flushRefusals();
    const before = (await auditOf('default')).length;
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(gateway.url, { query: '{ whoami { account } }' })));
      statuses.push(...answers.map((a) => a.status));
      await Promise.all(answers.map((a) => a.arrayBuffer()));
    }
    expect(new Set(statuses)).toEqual(new Set([401]));
    await gateway.flushRefusals();
    const records = (await auditOf('default')).slice(before);
    expect(records.length).toBeLessThanOrEqual(2);
    expect(records.map((r) => [r.principal.id, r.operation, r.sourceIp?.replace(/^::ffff:/, ''), r.requestParameters.reason, r.requestParameters.surface])).toEqual(
      records.map(() => ['anonymous', 'sluice:Authenticate', '127.0.0.1', 'no token', '/graphql']),
    );
    expect(records.reduce((sum, r) => sum + Number(r.requestParameters.count), 0)).toBe(300);
  });
});

describe('/metrics', () => {
  it('is refused without a token (401) and to a token not allowed sluice:GetMetrics (403); the admin reads its account’s series', async () => {
    const scrape = (caller?: Caller) => fetch(`${gateway.url}/metrics`, { headers: caller?.token ? { authorization: `Bearer ${caller.token}` } : {} });
    const anonymous = await scrape();
    expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, 'Bearer realm="sluice"']);
    expect(await anonymous.text()).not.toContain('sluice_');
    const denied = await scrape(readOnly);
    expect([denied.status, ((await denied.json()) as { message: string }).message]).toEqual([403, expect.stringMatching(/^Forbidden: sluice:GetMetrics on srn:sluice:acme:/)]);
    const allowed = await scrape(admin);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toMatch(/^sluice_subscription_connections \d+$/m);
    // The operator's switch, for a scraper on a private network.
    const open = await startTestGateway(subgraphs, eventStore, { limits: { metricsPublic: true } });
    extra.push(open);
    expect((await fetch(`${open.url}/metrics`)).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After past the rate of an address, in each surface’s shape: /graphql, /aws, /webhooks, /artifacts', async () => {
    const webhooks: HttpRoute = { prefix: '/webhooks', handle: (_req, res) => void res.writeHead(204).end() };
    const limited = await startTestGateway(subgraphs, eventStore, {
      limits: { perAddress: { perSecond: 2, burst: 3 } },
      aws: { accessKeys: permissionsAccessKeys(`${subgraphs.permissions.url}/graphql`, { internalSecret: subgraphs.internalSecret }) },
      httpRoutes: [webhooks, artifactDownloadProxyRoute('http://127.0.0.1:9')],
    });
    extra.push(limited);
    const burst = async (request: () => Promise<Response>) => {
      await new Promise((resolve) => setTimeout(resolve, 1_600)); // the bucket is full again
      const answers = await Promise.all(Array.from({ length: 8 }, request));
      const refused = answers.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(4);
      expect(answers.length - refused.length).toBeGreaterThanOrEqual(3);
      expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      return refused[0]!;
    };
    const graphql = await burst(() => post(limited.url, { query: '{ whoami { account } }' }, admin));
    expect(((await graphql.json()) as { errors: Array<{ message: string; extensions: { code: string } }> }).errors[0]).toMatchObject({
      extensions: { code: 'RATE_LIMITED' },
      message: expect.stringMatching(/^Too many requests from .*127\.0\.0\.1: the limit is 2 per second in bursts of up to 3 \(SLUICE_RATE_LIMIT_PER_ADDRESS\)/),
    });
    const aws = await burst(() => fetch(`${limited.url}/aws`, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodePipeline_20150709.ListPipelines' }, body: '{}' }));
    expect([aws.headers.get('x-amzn-errortype'), ((await aws.json()) as { __type: string }).__type]).toEqual(['ThrottlingException', 'ThrottlingException']);
    expect((await burst(() => fetch(`${limited.url}/webhooks/generic/x`, { method: 'POST', body: '{}' }))).status).toBe(429);
    expect((await burst(() => fetch(`${limited.url}/artifacts/download/x.y`))).status).toBe(429);
    // /healthz and the dashboard are not counted.
    expect((await Promise.all(Array.from({ length: 10 }, () => fetch(`${limited.url}/healthz`)))).map((a) => a.status)).toEqual(Array(10).fill(200));
  });

  it('answers 429 past the rate of a principal, and only to that principal; the refusals are one record of that principal', async () => {
    const limited = await startTestGateway(subgraphs, eventStore, { limits: { perAddress: { perSecond: 0 }, perPrincipal: { perSecond: 1, burst: 3 } } });
    extra.push(limited);
    // One call first, so the burst below is admitted as fast as it arrives (the token is authenticated and cached, the
    // gateway warm): a cold first authentication taking a second would refill a token mid-burst. Then the bucket refills.
    expect((await post(limited.url, { query: '{ whoami { account } }' }, readOnly)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const before = (await auditOf('acme')).length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => post(limited.url, { query: '{ whoami { account } }' }, readOnly)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    expect((await post(limited.url, { query: '{ whoami { account } }' }, admin)).status).toBe(200);
    await limited.flushRefusals();
    const records = (await auditOf('acme')).slice(before).filter((r) => r.operation === 'sluice:AdmitRequest');
    expect(records.map((r) => [r.principal.id, r.requestParameters.reason, r.requestParameters.count])).toEqual([['rita', 'over the rate per principal', 3]]);
  });

  it('closes a graphql-ws connection over the principal’s limit (4429) and refuses a subscription over the connection’s', async () => {
    const limited = await startTestGateway(subgraphs, eventStore, { limits: { connectionsPerPrincipal: 2, subscriptionsPerConnection: 2 } });
    extra.push(limited);
    const clients: Array<ReturnType<typeof createClient>> = [];
    const connection = () => {
      const closed: { code?: number; reason?: string } = {};
      const errors: unknown[] = [];
      const client = createClient({
        url: `${limited.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${readOnly.token}` },
        retryAttempts: 0,
        lazy: false,
        on: { closed: (event) => Object.assign(closed, { code: (event as { code: number }).code, reason: String((event as { reason: string }).reason) }) },
        onNonLazyError: () => undefined,
      });
      clients.push(client);
      const subscribe = () => {
        client.subscribe({ query: 'subscription { executionUpdated(pipelineName: "web") { pipelineName } }' }, { next: () => undefined, error: (error) => void errors.push(error), complete: () => undefined });
      };
      return { closed, errors, subscribe };
    };
    const until = async (check: () => boolean, what: string) => {
      for (const deadline = Date.now() + 10_000; !check(); ) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      const first = connection();
      [1, 2, 3].forEach(() => first.subscribe());
      await until(() => first.errors.length > 0, 'the third subscription to be refused');
      expect(JSON.stringify(first.errors)).toMatch(/Too many subscriptions on this connection: 2 running, the limit is 2 \(SLUICE_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION\)/);
      const second = connection();
      second.subscribe();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const third = connection();
      third.subscribe();
      await until(() => third.closed.code !== undefined, 'the third connection to close');
      expect(third.closed).toEqual({ code: 4429, reason: expect.stringMatching(/^Too many connections: rita of acme has 2 open/) });
      expect(second.closed.code).toBeUndefined();
    } finally {
      await Promise.all(clients.map((client) => client.dispose()));
    }
  });
});

describe('no open proxy', () => {
  /** A listener that counts the connections it is asked for. */
  async function countingListener(): Promise<{ port: number; connections: () => number }> {
    let count = 0;
    const server = createTcpServer((socket) => {
      count += 1;
      listenerSockets.add(socket);
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi');
    });
    listeners.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, connections: () => count };
  }

  /** One raw HTTP/1.1 request with exactly this request target, and the status line of the answer. */
  function rawRequest(url: string, target: string): Promise<string> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: close\r\n\r\n`));
      let answer = '';
      socket.on('data', (chunk: Buffer) => void (answer += chunk.toString()));
      socket.on('end', () => resolve(answer.split('\r\n')[0]!));
      socket.on('error', reject);
    });
  }

  it('never contacts a host the request target names: GET //127.0.0.1:<other port>/artifacts/download/x', async () => {
    const artifacts = await countingListener();
    const other = await countingListener();
    const proxying = await startTestGateway(subgraphs, eventStore, { httpRoutes: [artifactDownloadProxyRoute(`http://127.0.0.1:${artifacts.port}`)] });
    extra.push(proxying);
    const payload = Buffer.from(JSON.stringify({ a: 'acme', s: '0'.repeat(64), n: 'x', e: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const token = `${payload}.${'A'.repeat(43)}`;
    const probes = [
      `//127.0.0.1:${other.port}/artifacts/download/x`,
      `//127.0.0.1:${other.port}/artifacts/download/${token}`,
      `http://127.0.0.1:${other.port}/artifacts/download/${token}`,
      `/\\127.0.0.1:${other.port}/artifacts/download/${token}`,
      '/artifacts/download/x',
      `/artifacts/download/${Buffer.from('{"e":1}').toString('base64url')}.${'A'.repeat(43)}`,
    ];
    const statuses = [];
    for (const probe of probes) statuses.push(await rawRequest(proxying.url, probe));
    expect(statuses).toEqual(['HTTP/1.1 400 Bad Request', 'HTTP/1.1 400 Bad Request', 'HTTP/1.1 400 Bad Request', 'HTTP/1.1 400 Bad Request', 'HTTP/1.1 403 Forbidden', 'HTTP/1.1 403 Forbidden']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([other.connections(), artifacts.connections()]).toEqual([0, 0]);
    // The control: a link of the signed shape goes to the configured artifacts service, and only there.
    expect(await rawRequest(proxying.url, `/artifacts/download/${token}`)).toBe('HTTP/1.1 200 OK');
    expect([other.connections(), artifacts.connections()]).toEqual([0, 1]);
  });
});

describe('distributed mode edges', () => {
  const root = join(__dirname, '../../..');

  it('a service refuses to start without an internal secret of 32 bytes, naming the variable', () => {
    for (const [secret, problem] of [
      ['', 'SLUICE_INTERNAL_SECRET is not set'],
      ['only-a-short-secret', 'SLUICE_INTERNAL_SECRET is 19 bytes long; it must be at least 32'],
    ] as const) {
      const started = spawnSync(process.execPath, serviceEntryArguments(join(root, 'services/pipelines/src/main.ts')), {
        cwd: root,
        env: { ...process.env, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '', SLUICE_INTERNAL_SECRET: secret, SLUICE_LOG_FORMAT: 'text' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect([started.status, `${started.stdout}${started.stderr}`]).toEqual([1, expect.stringContaining(problem)]);
      expect(started.stdout).not.toMatch(/listening at/);
    }
  }, 120_000);

  it('a service listens on loopback only, and refuses a request naming no caller instead of taking it for account default', async () => {
    const { hostname, port } = new URL(subgraphs.pipelines.url);
    expect(hostname).toBe('127.0.0.1');
    const outside = Object.values(networkInterfaces()).flat().find((address) => address && address.family === 'IPv4' && !address.internal);
    if (outside) await expect(fetch(`http://${outside.address}:${port}/healthz`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
    const headerless = await subgraphs.pipelines.graphql('{ listPipelines { pageInfo { hasNextPage } } }');
    expect(headerless.errors?.map((e) => [e.extensions?.code, e.extensions?.issues?.map((i) => i.path)])).toEqual([['BAD_USER_INPUT', ['headers.x-sluice-account']]]);
  });
});
