import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { serviceEntryArguments } from '@sluice/graphql-service/testing';
import { testPostgresUrl } from '@sluice/testing';

export interface EngineProcess {
  pid: number;
  /** kill -9: no shutdown, no flush, whatever was in flight is lost. */
  kill(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

const root = join(__dirname, '../../../..');
const script = join(root, 'services/executions/src/testing/engine-process.ts');

/** Starts engine-process.ts (compiled, as services run) on the test PostgreSQL schema; resolves once the engine caught up and runs. */
export function startEngineProcess(schema: string): Promise<EngineProcess> {
  const child = spawn(process.execPath, serviceEntryArguments(script), {
    cwd: root,
    env: { ...process.env, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_KAFKA_BROKERS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the engine process did not start within 60 s:\n${output}`)), 60_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('executions engine ready')) {
        clearTimeout(timer);
        resolve(handle(child, exited, () => output));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the engine process exited with ${code}:\n${output}`)));
  });
}

function handle(child: ChildProcess, exited: Promise<void>, output: () => string): EngineProcess {
  return {
    pid: child.pid!,
    output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
