import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore, type FilesystemArtifactStore } from '@sluice/artifact-store';
import type { PipelineDeclaration } from '@sluice/domain';
// The engine's own test environment (real PostgreSQL, a fresh schema) and the real built-in worker.
import { startEngineTestEnvironment, type EngineTestEnvironment } from '@sluice/executions/testing';
import type { ExecutionsEngine } from '@sluice/executions';
import { providerRegistry, startWorker, testSandbox, type Worker } from '@sluice/worker';
import { OutputRecorder } from '../application/record-outputs';
import { ArtifactsProjection } from '../projections/artifacts-projection';

/**
 * The artifacts service on real parts: executions run by the engine on PostgreSQL, jobs run by the real worker
 * writing archives to a filesystem store, and the service's projection feeding its output recorder.
 */
export interface ArtifactsOnEngine {
  env: EngineTestEnvironment;
  engine: ExecutionsEngine;
  worker: Worker;
  root: string;
  store: FilesystemArtifactStore;
  projection: ArtifactsProjection;
  recorder: OutputRecorder;
  /** What the recorder logged, for the message of a wait that timed out. */
  logged: string[];
  /** Starts `name` with `variables`, expects it to end `status`, and waits until the projection holds `records` records of it. */
  run(name: string, variables: Array<{ name: string; value: string }>, status: string, records: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts it in a fresh folder named after `prefix`, with `pipelines` published and known to the engine. */
export async function startArtifactsOnEngine(prefix: string, pipelines: PipelineDeclaration[]): Promise<ArtifactsOnEngine> {
  const env = await startEngineTestEnvironment();
  const engine = await env.startEngine();
  const root = await mkdtemp(join(tmpdir(), prefix));
  // The jobs' folders are under it: the sandbox's user must pass through (not list) it.
  await chmod(root, 0o711);
  const store = await openFilesystemArtifactStore({ root, fsync: false });
  const worker = startWorker({ jobApi: engine, providers: providerRegistry({ store, sandbox: await testSandbox() }), store, concurrency: 1, workspaceRoot: join(root, 'jobs'), pollWaitMs: 500, log: () => undefined });
  const logged: string[] = [];
  const recorder = new OutputRecorder(env.store, store, (line) => logged.push(line));
  const projection = new ArtifactsProjection(env.store, { onOutputs: (outputs) => recorder.enqueue(outputs) });
  await projection.start();
  for (const declaration of pipelines) {
    const version = await env.publisher.publish(declaration);
    await engine.pipelineCatalog.whenKnown({ account: 'acme', name: declaration.name }, version);
  }
  const alice = { account: 'acme', actor: 'alice' };
  const run = async (name: string, variables: Array<{ name: string; value: string }>, expected: string, records: number): Promise<string> => {
    const { pipelineExecutionId } = await engine.startPipelineExecution(alice, { name, variables });
    let status = '';
    await eventually(
      async () => ['Succeeded', 'Failed', 'Stopped'].includes((status = (await engine.getPipelineExecution(alice, name, pipelineExecutionId)).status)),
      () => `${pipelineExecutionId} is ${status}`,
    );
    expect(status).toBe(expected);
    await eventually(async () => (await projection.model.recordsOf(pipelineExecutionId, 'acme')).length === records, () => `records of ${pipelineExecutionId}: ${logged.join('\n')}`);
    return pipelineExecutionId;
  };
  const stop = async () => {
    await worker.stop({ graceMs: 1_000 });
    await projection.stop();
    await recorder.idle();
    await env.stop();
    await rm(root, { recursive: true, force: true });
  };
  return { env, engine, worker, root, store, projection, recorder, logged, run, stop };
}

/** For the test file that calls it: started before its tests, stopped after; its fields are there once they run. */
export function artifactsOnEngineForFile(prefix: string, pipelines: PipelineDeclaration[]): ArtifactsOnEngine {
  const platform = {} as ArtifactsOnEngine;
  beforeAll(async () => void Object.assign(platform, await startArtifactsOnEngine(prefix, pipelines)));
  afterAll(() => platform.stop?.());
  return platform;
}

/** Resolves once `check` holds, checking every 100 ms; rejects after `timeoutMs` with `what()`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
