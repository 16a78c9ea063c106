/**
 * What `/aws` costs over `/graphql`: `npx tsx bench/aws/run.ts`. Starts the embedded platform (child process, fresh
 * data dir), then runs ListPipelines N times (SLUICE_BENCH_CALLS, default 300) sequentially through the AWS SDK
 * (SigV4 signing and verification, the access-key lookup, the in-process GraphQL call) and the same listPipelines
 * query through /graphql with the admin token, and prints p50/p95 per call. Also: SigV4 verification alone, in process.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodePipelineClient, ListPipelinesCommand } from '@aws-sdk/client-codepipeline';
import { readSignatureClaim, verifySignature, type ReceivedRequest } from '../../gateway/src/aws/sigv4';
import { startPlatformProcess } from '../../platform/src/testing/platform-process';
import { percentile } from '../eventing/bench-kit';

const CALLS = Number(process.env.SLUICE_BENCH_CALLS ?? 300);
const ms = (startedNs: bigint) => Number(process.hrtime.bigint() - startedNs) / 1e6;
const fmt = (value: number) => value.toFixed(3);

async function timed(calls: number, call: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < 20; i += 1) await call(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const started = process.hrtime.bigint();
    await call();
    samples.push(ms(started));
  }
  return samples.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-bench-aws-'));
  const platform = await startPlatformProcess(dataDir);
  try {
    const text = readFileSync(join(dataDir, 'admin-credentials'), 'utf8');
    const accessKeyId = /^aws_access_key_id = (\S+)$/m.exec(text)![1]!;
    const secretAccessKey = /^aws_secret_access_key = (\S+)$/m.exec(text)![1]!;
    const sdk = new CodePipelineClient({ endpoint: `${platform.url}/aws`, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
    const aws = await timed(CALLS, async () => void (await sdk.send(new ListPipelinesCommand({}))));
    const graphql = await timed(CALLS, async () => {
      const response = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.token}` },
        body: JSON.stringify({ query: '{ listPipelines(first: 100) { edges { node { name } } } }' }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await response.json();
    });
    // SigV4 verification alone, on the AWS test suite's post-vanilla request.
    const request: ReceivedRequest = {
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['Host', 'example.amazonaws.com'],
        ['X-Amz-Date', '20150830T123600Z'],
        ['Authorization', 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'],
      ],
      body: new Uint8Array(),
    };
    const now = Date.UTC(2015, 7, 30, 12, 36, 0);
    const verify = await timed(20_000, async () => verifySignature(request, readSignatureClaim(request, { service: 'service', now }), 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'));
    console.log(`machine: ${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; ${CALLS} sequential calls each`);
    console.log('| path | p50 ms | p95 ms |');
    console.log('|---|---|---|');
    console.log(`| ListPipelines via /aws (AWS SDK, SigV4) | ${fmt(percentile(aws, 50))} | ${fmt(percentile(aws, 95))} |`);
    console.log(`| listPipelines via /graphql (bearer token) | ${fmt(percentile(graphql, 50))} | ${fmt(percentile(graphql, 95))} |`);
    console.log(`| SigV4 verification alone (20,000 runs) | ${fmt(percentile(verify, 50))} | ${fmt(percentile(verify, 95))} |`);
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
