/**
 * Authorization and authentication figures: `npx tsx bench/authz/run.ts`.
 * 1. `authorize` for a principal with 1,000 attached policies (2 statements each, one with an IP
 *    condition), once compiled: p50/p99 over 20,000 decisions (allowed, explicitly denied, implicitly denied).
 * 2. `authenticate`: the permissions service's token lookup (SHA-256 + Map) in process, with
 *    tokens (SLUICE_BENCH_TOKENS, default 2,000); and the same query over HTTP against the service (PGlite in memory), as the gateway calls it.
 */
import { cpus, loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { authorize, type NamedPolicy, type Principal } from '@sluice/authz';
import { openEmbeddedEventStore } from '@sluice/eventing';
import { createPermissionsService, ensureAdmin, hashToken, loadPermissionsConfig } from '@sluice/permissions';
import { percentile } from '../eventing/bench-kit';

const ms = (startedNs: bigint) => Number(process.hrtime.bigint() - startedNs) / 1e6;
const fmt = (value: number, digits = 3) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const rows: Array<[string, string, string]> = [];
const TOKENS = Number(process.env.SLUICE_BENCH_TOKENS ?? 2000);

function policies(count: number): NamedPolicy[] {
  return Array.from({ length: count }, (_, n) => ({
    name: `P${n}`,
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Read', Effect: 'Allow', Action: ['sluice:GetPipelineState', 'sluice:GetPipeline'], Resource: `srn:sluice:acme:pipeline-${n}*`, Condition: { IpAddress: { 'sluice:SourceIp': ['10.0.0.0/8', '192.168.0.0/16'] } } },
        { Sid: 'NoDeleteProd', Effect: 'Deny', Action: 'sluice:DeletePipeline', Resource: `srn:sluice:acme:prod-${n}` },
      ],
    },
  }));
}

function benchAuthorize(): void {
  const principal: Principal = { id: 'alice', account: 'acme', policies: policies(1000) };
  const context = { currentTime: new Date(), sourceIp: '10.1.2.3' };
  const requests = [
    { action: 'sluice:GetPipelineState', resource: 'srn:sluice:acme:pipeline-999' }, // allowed by the last policy
    { action: 'sluice:DeletePipeline', resource: 'srn:sluice:acme:prod-500' }, // explicit deny in the middle
    { action: 'sluice:StartPipelineExecution', resource: 'srn:sluice:acme:pipeline-1' }, // implicit deny
  ];
  const compileStarted = process.hrtime.bigint();
  authorize({ principal, ...requests[0]!, context });
  rows.push(['authorize, first call (validates and compiles 1,000 policies)', `${fmt(ms(compileStarted), 1)} ms`, '']);
  for (let n = 0; n < 2000; n++) authorize({ principal, ...requests[n % 3]!, context }); // warm-up
  const samples: number[] = [];
  const byKind: number[][] = [[], [], []];
  const cpu = process.cpuUsage();
  for (let n = 0; n < 30_000; n++) {
    const request = requests[n % 3]!;
    const started = process.hrtime.bigint();
    const decision = authorize({ principal, ...request, context });
    const took = ms(started);
    samples.push(took);
    byKind[n % 3]!.push(took);
    if (decision.allowed !== (n % 3 === 0)) throw new Error(`wrong decision for ${request.action}: ${decision.explanation}`);
  }
  const used = process.cpuUsage(cpu);
  rows.push(['authorize, 1,000 policies, CPU time per decision, mean (ms)', fmt((used.user + used.system) / 1000 / 30_000), '']);
  rows.push(['authorize, 1,000 policies, p50 (ms)', fmt(percentile(samples, 50)), '']);
  rows.push(['authorize, 1,000 policies, p99 (ms)', `**${fmt(percentile(samples, 99))}**`, `< 1 ${percentile(samples, 99) < 1 ? '✔' : '✘'}`]);
  const kinds = ['Allow (last policy)', 'ExplicitDeny', 'ImplicitDeny'];
  byKind.forEach((xs, i) => rows.push([`authorize, ${kinds[i]}, p50 / p99 (ms)`, `${fmt(percentile(xs, 50))} / ${fmt(percentile(xs, 99))}`, '']));
}

async function benchAuthenticate(): Promise<void> {
  const store = await openEmbeddedEventStore({ dataDir: 'memory' });
  const admin = await ensureAdmin(store, { account: 'acme' });
  if (!admin.created) throw new Error('expected a fresh admin');
  const serve = { port: 0, host: '127.0.0.1', internalSecret: randomBytes(32).toString('base64url') };
  // The service's own loader, given the secret this bench calls it with (the environment is read, not written).
  const { accessKeyCipher, auditTrail } = loadPermissionsConfig({ ...process.env, SLUICE_INTERNAL_SECRET: serve.internalSecret });
  const app = await createPermissionsService({ eventStore: store, serve, log: () => undefined, accessKeyCipher, auditTrail });
  try {
    // 2,000 more tokens in the index (a Map: its size does not change the lookup).
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sluice-account': 'acme', 'x-sluice-internal-secret': serve.internalSecret }, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as { data?: any; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const started = process.hrtime.bigint();
    for (let n = 0; n < 100; n++) await gql('mutation($u: String!) { createUser(userName: $u) { userName } }', { u: `user-${n}` });
    const created: string[] = [];
    for (let n = 0; n < TOKENS; n += 1) created.push((await gql('mutation($u: String!) { createToken(principalId: $u) { token } }', { u: `user-${n % 100}` })).createToken.token);
    rows.push([`createUser/createToken over HTTP, ${TOKENS + 100} sequential, mean (ms)`, fmt(ms(started) / (TOKENS + 100), 2), '']);

    const identities = app.projection.identities;
    const now = new Date();
    const inProcess: number[] = [];
    for (let n = 0; n < 50_000; n++) {
      const token = created[(n * 7919) % created.length]!;
      const t = process.hrtime.bigint();
      const found = identities.authenticate(hashToken(token), now);
      inProcess.push(ms(t));
      if (!found) throw new Error('a live token did not authenticate');
    }
    rows.push([`authenticate in process (SHA-256 + lookup), ${TOKENS + 1} tokens, p50 (ms)`, fmt(percentile(inProcess, 50), 4), '']);
    rows.push(['authenticate in process, p99 (ms)', fmt(percentile(inProcess, 99), 4), '']);

    const overHttp: number[] = [];
    for (let n = 0; n < 2000; n++) {
      const token = n % 10 === 9 ? `slu_${'A'.repeat(43)}` : created[(n * 7919) % created.length]!;
      const t = process.hrtime.bigint();
      const answer = await gql('query($t: String!) { authenticate(token: $t) { actor expiresAt } }', { t: token });
      overHttp.push(ms(t));
      if ((answer.authenticate === null) !== (n % 10 === 9)) throw new Error('wrong authentication answer');
    }
    rows.push(['authenticate over HTTP (the gateway\'s call), p50 (ms)', `**${fmt(percentile(overHttp, 50), 2)}**`, '']);
    rows.push(['authenticate over HTTP, p99 (ms)', fmt(percentile(overHttp, 99), 2), '']);
  } finally {
    await app.stop();
    await store.close();
  }
}

async function main(): Promise<void> {
  benchAuthorize();
  await benchAuthenticate();
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
  console.log('| figure | value | goal |\n|---|---:|---|');
  for (const [figure, value, goal] of rows) console.log(`| ${figure} | ${value} | ${goal} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
