import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { testPostgresUrl } from '@sluice/testing';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string; issues?: Array<{ path: string; message: string; code: string }> } & Record<string, unknown> }>;
}

export interface PipelinesServiceProcess {
  url: string;
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Raw POST /graphql, for bodies that are not GraphQL requests. */
  post(body: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  stop(): Promise<void>;
}

const root = join(__dirname, '../../../..');

/**
 * The service as it runs (`node --import tsx src/main.ts`) on the real PostgreSQL event store, in a
 * child process: NestJS 12 is ESM-only, which jest cannot load on Node 20, and the API is what we test.
 */
export async function startPipelinesService(schema: string): Promise<PipelinesServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'services/pipelines/src/main.ts')], {
    cwd: root,
    env: { ...process.env, SLUICE_EVENT_STORE: testPostgresUrl(), SLUICE_EVENT_STORE_SCHEMA: schema, SLUICE_PORT: '0', SLUICE_KAFKA_BROKERS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child);
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, text: await res.text() };
  };
  return {
    url,
    post,
    async graphql(query, variables, headers) {
      const { status, text } = await post(JSON.stringify({ query, variables }), headers);
      return { status, ...(JSON.parse(text) as object) };
    },
    stop: () => stopProcess(child),
  };
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the pipelines service did not start within 60 s:\n${output}`)), 60_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening at (http:\/\/\S+)\/graphql/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the pipelines service exited with ${code}:\n${output}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
