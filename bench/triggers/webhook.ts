/**
 * Webhook benchmark: `npx tsx bench/triggers/webhook.ts`. The embedded platform without the demo
 * (`platform/src/testing/platform-without-demo-main.ts`) as a child process on a free port and a temp data dir,
 * a pipeline on a real git repository (Source/Git → Build/Commands), polling off (1 h) so only webhooks start it.
 * Per delivery: a new commit, a signed generic webhook (`POST /webhooks/generic/default`), and the latency from
 * sending it to the first `executionUpdated` message of the started execution with status InProgress, on a
 * graphql-ws subscription opened before. Each execution runs to its end before the next delivery.
 * `SLUICE_BENCH_WEBHOOK_DELIVERIES` (default 30).
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startPlatformProcess, type PlatformProcess } from '../../platform/src/testing/platform-process';
import { subscribeAndCollect, type CollectedSubscription } from '../../gateway/src/testing/subscription-client';
import { median, percentile } from '../eventing/bench-kit';

const DELIVERIES = Number(process.env.SLUICE_BENCH_WEBHOOK_DELIVERIES ?? 30);
const PIPELINE = 'webhook-bench';
const SUBSCRIPTION = `subscription { executionUpdated(pipelineName: "${PIPELINE}") { pipelineExecutionId status eventType at } }`;
type Update = { pipelineExecutionId: string; status: string | null; eventType: string; at: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function gql<T>(platform: PlatformProcess, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` };
  const res = await fetch(`${platform.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const answer = (await res.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (answer.errors?.length) throw new Error(answer.errors.map((e) => e.message).join('; '));
  return answer.data!;
}

async function waitFor<T>(what: string, attempt: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(2);
  }
}

async function main(): Promise<void> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-bench-webhook-')));
  const repo = join(root, 'repo');
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@sluice.local', ...args], { encoding: 'utf8' }).trim();
  let platform: PlatformProcess | undefined;
  let subscription: CollectedSubscription<Update> | undefined;
  try {
    execFileSync('git', ['init', '-q', '-b', 'main', repo]);
    writeFileSync(join(repo, 'n.txt'), '0\n');
    git('add', 'n.txt');
    git('commit', '-q', '-m', '0');
    const dataDir = join(root, 'data');
    platform = await startPlatformProcess(dataDir, { SLUICE_POLL_INTERVAL_MS: '3600000' });
    const url = platform.url;
    const secret = (JSON.parse(readFileSync(join(dataDir, 'webhook-secrets.json'), 'utf8')) as Record<string, { secret: string }>).default!.secret;
    await gql(platform, 'mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }', {
      pipeline: {
        name: PIPELINE,
        stages: [
          {
            name: 'Source',
            actions: [
              {
                name: 'Checkout',
                actionTypeId: { category: 'Source', owner: 'Sluice', provider: 'Git', version: '1' },
                configuration: { RepositoryUrl: pathToFileURL(repo).href, BranchName: 'main' },
                outputArtifacts: [{ name: 'src' }],
              },
            ],
          },
          { name: 'Build', actions: [{ name: 'Make', actionTypeId: { category: 'Build', owner: 'Sluice', provider: 'Commands', version: '1' }, commands: ['true'], inputArtifacts: [{ name: 'src' }] }] },
        ],
      },
    });
    subscription = subscribeAndCollect<Update>(url, { account: 'default', actor: 'webhook-bench', token: platform.token }, SUBSCRIPTION, {}, 'executionUpdated');
    await sleep(1_000); // the subscription is live at the store's head, the platform has seen the pipeline

    const toInProgress: number[] = [];
    const answered: number[] = [];
    for (let n = 1; n <= DELIVERIES; n += 1) {
      writeFileSync(join(repo, 'n.txt'), `${n}\n`);
      git('commit', '-q', '-am', String(n));
      const body = JSON.stringify({ repositoryUrl: pathToFileURL(repo).href, ref: 'refs/heads/main', commitId: git('rev-parse', 'HEAD'), changedFiles: ['n.txt'] });
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
      const headers = { 'content-type': 'application/json', 'x-sluice-timestamp': String(timestamp), 'x-sluice-signature': `sha256=${signature}`, 'x-sluice-delivery': `bench-${n}` };
      const sentAt = Date.now();
      const res = await fetch(`${url}/webhooks/generic/default`, { method: 'POST', headers, body });
      answered.push(Date.now() - sentAt);
      const answer = (await res.json()) as { started?: Array<{ pipelineExecutionId: string }>; message?: string };
      if (res.status !== 200 || answer.started?.length !== 1) throw new Error(`delivery ${n}: ${res.status} ${JSON.stringify(answer)}`);
      const id = answer.started[0]!.pipelineExecutionId;
      const inProgress = await waitFor(`execution ${id} InProgress`, () => subscription!.received.find((r) => r.value.pipelineExecutionId === id && r.value.status === 'InProgress'));
      toInProgress.push(inProgress.receivedAt - sentAt);
      await waitFor(`execution ${id} to end`, () =>
        subscription!.received.find((r) => r.value.pipelineExecutionId === id && r.value.eventType.startsWith('PipelineExecution') && ['Succeeded', 'Failed', 'Stopped', 'Superseded'].includes(r.value.status ?? '')),
      );
    }
    if (subscription.errors.length) throw new Error(`subscription errors: ${JSON.stringify(subscription.errors)}`);

    const row = (name: string, xs: number[]) => `| ${name.padEnd(44)} | ${String(median(xs)).padStart(5)} | ${String(percentile(xs, 95)).padStart(5)} | ${String(Math.max(...xs)).padStart(5)} |`;
    console.log(`\nWebhook → execution, ${DELIVERIES} deliveries (embedded platform, PGlite, in-process bus; load average ${loadavg()[0]!.toFixed(1)}), ms:`);
    console.log('| measure                                      |   p50 |   p95 |   max |');
    console.log('|----------------------------------------------|------:|------:|------:|');
    console.log(row('delivery sent → webhook answered (200)', answered));
    console.log(row('delivery sent → executionUpdated InProgress', toInProgress));
  } finally {
    await subscription?.stop().catch(() => undefined);
    const code = await platform?.stop();
    if (code !== undefined && code !== 0) console.error(`the platform exited with ${code}:\n${platform!.output().slice(-2000)}`);
    rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
