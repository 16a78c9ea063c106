import { testSandbox } from '../../sandbox/testing/test-sandbox';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFilesystemArtifactStore, type ArtifactStore } from '@sluice/artifact-store';
import type { PipelineDeclaration } from '@sluice/domain';
import type { Caller } from '@sluice/executions';
import type { ExecutionsEngine } from '@sluice/executions';
import { startEngineTestEnvironment, type EngineTestEnvironment } from '@sluice/executions/testing';
import { eventually } from '@sluice/executions/testing';
import type { JobApi } from '../../job-api/job-api';
import type { ActionProvider } from '../../providers/action-provider';
import { providerRegistry } from '../../providers/provider-registry';
import type { WorkerEvent } from '../worker-events';
import { startWorker, type Worker, type WorkerOptions } from '../worker-loop';

export const alice: Caller = { account: 'acme', actor: 'alice' };

/**
 * The executions engine on a real PostgreSQL store (fresh schema) with the in-process bus, a filesystem
 * artifact store and job workspaces in temp folders, and workers that reach the engine only through `JobApi`.
 */
export class WorkerTestEnvironment {
  readonly events: Array<WorkerEvent & { at: number }> = [];
  private readonly workers: Worker[] = [];
  private readonly folders: string[] = [];

  private constructor(
    readonly engines: EngineTestEnvironment,
    readonly engine: ExecutionsEngine,
    readonly store: ArtifactStore,
    readonly providers: ReadonlyMap<string, ActionProvider>,
    readonly workspaceRoot: string,
    /** The folder Directory deploys may go under (the workers' `allowedDirectoryRoots`). */
    readonly deployRoot: string,
  ) {}

  static async start(): Promise<WorkerTestEnvironment> {
    const engines = await startEngineTestEnvironment();
    const engine = await engines.startEngine({ jobQueuePolicy: { acknowledgeWithinMs: 5_000, heartbeatWithinMs: 10_000 } });
    const root = await mkdtemp(join(tmpdir(), 'sluice-worker-loop-'));
    // The jobs' folders are under it: the sandbox's user must pass through (not list) it.
    await chmod(root, 0o711);
    const store = await openFilesystemArtifactStore({ root: join(root, 'artifacts'), fsync: false });
    const deployRoot = join(root, 'deployments');
    const environment = new WorkerTestEnvironment(engines, engine, store, providerRegistry({ store, sandbox: await testSandbox(), killGraceMs: 500, allowedDirectoryRoots: [deployRoot] }), join(root, 'jobs'), deployRoot);
    environment.folders.push(root);
    return environment;
  }

  /** The engine as the worker sees it: this assignment is the check that it fits the port. */
  get jobApi(): JobApi {
    return this.engine;
  }

  async folder(prefix: string): Promise<string> {
    const folder = await mkdtemp(join(tmpdir(), prefix));
    this.folders.push(folder);
    return folder;
  }

  startWorker(options: Partial<WorkerOptions> = {}): Worker {
    const worker = startWorker({
      jobApi: this.jobApi,
      providers: this.providers,
      store: this.store,
      workspaceRoot: this.workspaceRoot,
      pollWaitMs: 2_000,
      contendedPollWaitMs: 200,
      heartbeatIntervalMs: 500,
      stopGraceMs: 5_000,
      log: (event) => this.events.push({ ...event, at: Date.now() }),
      ...options,
    });
    this.workers.push(worker);
    return worker;
  }

  async publish(declaration: PipelineDeclaration): Promise<void> {
    const version = await this.engines.publisher.publish(declaration);
    await this.engine.pipelineCatalog.whenKnown({ account: alice.account, name: declaration.name }, version);
  }

  async start(pipelineName: string): Promise<string> {
    return (await this.engine.startPipelineExecution(alice, { name: pipelineName })).pipelineExecutionId;
  }

  /** Waits for the execution to end and returns its status. */
  async finished(pipelineName: string, executionId: string, timeoutMs = 60_000): Promise<string> {
    const terminal = ['Succeeded', 'Failed', 'Stopped', 'Superseded'];
    let status = '';
    await eventually(
      async () => terminal.includes((status = (await this.engine.getPipelineExecution(alice, pipelineName, executionId)).status)),
      () => `${executionId} is ${status}`,
      timeoutMs,
    );
    return status;
  }

  /** Resolves with the job id once the execution's stored logs hold a chunk containing `text`. */
  async logged(executionId: string, text: string, timeoutMs = 30_000): Promise<string> {
    let jobId: string | undefined;
    await eventually(
      async () => (jobId = (await this.logs(executionId)).find((entry) => entry.chunk.includes(text))?.jobId) !== undefined,
      () => `no stored log chunk of ${executionId} holds '${text}'`,
      timeoutMs,
    );
    return jobId as string;
  }

  /** The execution's stored logs, in order. */
  async logs(executionId: string): Promise<Awaited<ReturnType<ExecutionsEngine['actionLogs']>>['entries']> {
    return (await this.engine.actionLogs(alice, executionId, { first: 5_000 })).entries;
  }

  async actionExecutions(pipelineName: string, executionId: string): Promise<Awaited<ReturnType<ExecutionsEngine['listActionExecutions']>>['actionExecutionDetails']> {
    return (await this.engine.listActionExecutions(alice, pipelineName, { pipelineExecutionId: executionId })).actionExecutionDetails;
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((worker) => worker.stop({ graceMs: 0 })));
    await this.store.close();
    await this.engines.stop();
    await Promise.all(this.folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  }
}
