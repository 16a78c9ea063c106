import type { ExecutionsEngine, ExecutionsEngineOptions } from '../executions-service';
import { startEngineTestEnvironment, type EngineTestEnvironment } from './engine-test-environment';
import { startTestWorker, type TestWorker, type TestWorkerOptions } from './test-worker';

export interface EngineWithWorker {
  env: EngineTestEnvironment;
  engine: ExecutionsEngine;
  worker: TestWorker;
}

/**
 * For the test file that calls it: before its tests, the engine's test environment, an engine (`engineOptions`)
 * and a test worker (`workerOptions`) polling it; after them, both stopped. The fields are there once the tests run.
 */
export function engineWithWorkerForFile(workerOptions: TestWorkerOptions, engineOptions?: Partial<ExecutionsEngineOptions>): EngineWithWorker {
  const running = {} as EngineWithWorker;
  beforeAll(async () => {
    running.env = await startEngineTestEnvironment();
    running.engine = await running.env.startEngine(engineOptions);
    running.worker = startTestWorker(running.engine, workerOptions);
  });
  afterAll(async () => {
    await running.worker?.stop();
    await running.env?.stop();
  });
  return running;
}
