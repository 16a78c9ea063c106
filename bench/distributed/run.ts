/**
 * Distributed benchmark: `npx tsx bench/distributed/run.ts`. Every service its own OS process (the topology of
 * `npm run start:distributed`: pipelines, two engines, the gateway, two workers, plus artifacts/permissions when
 * present) on PostgreSQL (a throw-away schema) and Kafka (a throw-away broker, or SLUICE_BENCH_KAFKA=host:port).
 *  (1) start-up: spawn of the processes → the gateway and every service ready;
 *  (2) state change → graphql-ws message at the client: a subscriber on `executionUpdated(pipelineName: "bench")`
 *      while N executions of Source/Git → Build (2 Commands) → Deploy (1 Commands), actions `sleep 0`, run one after
 *      another (SLUICE_BENCH_DISTRIBUTED_RUNS, default 10); latency = receipt time − the update's `at` (its event's
 *      occurredAt, stamped by the engine process), p50/p95 over every update. Same machine, same clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropTestSchema, newTestSchema, type KafkaBroker } from '@sluice/testing';
import { startDistributedTopology, type DistributedTopology } from '../../platform/src/distributed/topology';
import { makeGitRepository } from '@sluice/testing/fixtures';
import { sleepyPipeline } from '../../platform/src/distributed/testing/sleepy-pipeline';
import type { ExecutionUpdate } from '../../gateway/src/subscriptions/execution-updates';
import { gatewayClient, type Caller } from '../../gateway/src/testing/gateway-client';
import { subscribeAndCollect } from '../../gateway/src/testing/subscription-client';
import { benchPostgresUrl, percentile } from '../eventing/bench-kit';
import { benchKafka, benchTopologyOptions } from './bench-topology';

const RUNS = Number(process.env.SLUICE_BENCH_DISTRIBUTED_RUNS ?? 10);
const caller: Caller = { account: 'default', actor: 'bench' };
const START = 'mutation { startPipelineExecution(name: "bench") { pipelineExecutionId } }';
const CREATE = 'mutation($pipeline: JSON!) { createPipeline(pipeline: $pipeline) { name } }';
const SUBSCRIPTION = 'subscription { executionUpdated(pipelineName: "bench") { cursor pipelineExecutionId status stageName actionName eventType at } }';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(attempt: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'sluice-bench-distributed-'));
  const schema = newTestSchema('bdist');
  let broker: KafkaBroker | undefined;
  let topology: DistributedTopology | undefined;
  try {
    const kafka = await benchKafka();
    broker = kafka.broker;
    const spawnedAt = performance.now();
    topology = await startDistributedTopology({
      ...benchTopologyOptions(schema, kafka.brokers, workDir),
      workerEnv: { SLUICE_WORKER_CONCURRENCY: '4' },
      stopGraceMs: 10_000,
    });
    const startupMs = performance.now() - spawnedAt;
    if (topology.adminToken) caller.token = topology.adminToken;
    const gql = gatewayClient(topology.gatewayUrl, caller);
    const repositoryUrl = await makeGitRepository(join(workDir, 'repo'));
    const created = await gql(CREATE, { pipeline: sleepyPipeline('bench', repositoryUrl, 0) });
    if (created.errors) throw new Error(`createPipeline: ${JSON.stringify(created.errors)}`);
    const subscription = subscribeAndCollect<ExecutionUpdate>(topology.gatewayUrl, caller, SUBSCRIPTION, {}, 'executionUpdated');
    // /metrics needs a token allowed sluice:GetMetrics: the admin's.
    const metrics = async () => (await fetch(`${topology!.gatewayUrl}/metrics`, { headers: { authorization: `Bearer ${caller.token}` } })).text();
    await until(async () => (/^sluice_subscriptions 1$/m.test(await metrics()) ? true : undefined), 'the subscription to be live');
    const durations: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const startedAt = Date.now();
      const id = await until(async () => (await gql<{ startPipelineExecution: { pipelineExecutionId: string } }>(START)).data?.startPipelineExecution.pipelineExecutionId, 'pipeline bench to be known');
      const end = await until(
        () => subscription.received.find((r) => r.value.pipelineExecutionId === id && /^PipelineExecution(Succeeded|Failed)/.test(r.value.eventType)),
        `execution ${id} to end`,
      );
      if (end.value.eventType !== 'PipelineExecutionSucceeded') throw new Error(`execution ${id} ended with ${end.value.eventType}`);
      durations.push(end.receivedAt - startedAt);
    }
    await subscription.stop();
    if (subscription.errors.length > 0) throw new Error(`subscription errors: ${JSON.stringify(subscription.errors)}`);
    const lags = subscription.received.map((r) => r.receivedAt - Date.parse(r.value.at));
    console.log(`processes: ${topology.processes.map((p) => p.name).join(', ')}`);
    console.log(`start-up (spawn → every process ready, gateway composed): ${(startupMs / 1000).toFixed(1)} s`);
    console.log(`executions: ${RUNS} one after another (4 actions of sleep 0 each), start → Succeeded at the client: p50 ${percentile(durations, 50)} ms, p95 ${percentile(durations, 95)} ms`);
    console.log(`state change → graphql-ws message: ${lags.length} updates, p50 ${percentile(lags, 50)} ms, p95 ${percentile(lags, 95)} ms, max ${Math.max(...lags)} ms (goal ≤ 200 ms)`);
  } finally {
    await topology?.stop();
    await broker?.destroy();
    await dropTestSchema(schema, benchPostgresUrl);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
