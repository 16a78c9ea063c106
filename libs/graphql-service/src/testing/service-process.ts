import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INTERNAL_SECRET_HEADER, MIN_INTERNAL_SECRET_BYTES } from '../internal-secret';

export interface GraphQLIssue {
  path: string;
  message: string;
  code: string;
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string; issues?: GraphQLIssue[] } & Record<string, unknown> }>;
}

export interface ServiceProcess {
  url: string;
  /** The child's process id (a bench samples its memory). */
  pid: number;
  /** The process's SLUICE_INTERNAL_SECRET: `graphql` and `post` send it; a raw request must send it as `x-sluice-internal-secret`. */
  internalSecret: string;
  /** Without T, answers are read by field name as the query shaped them (the tests' convenience, as before the move). */
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Raw POST /graphql, for bodies that are not GraphQL requests. */
  post(body: string, headers?: Record<string, string>): Promise<{ status: number; text: string }>;
  /** Everything the process printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  /** For messages: 'pipelines service'. */
  name: string;
  /** The entry point, run as the service runs: from its compiled bundle (see `serviceEntryArguments`). */
  script: string;
  cwd: string;
  /**
   * Added to this process's environment. A SLUICE_INTERNAL_SECRET shorter than 32 bytes (or none, or empty) is
   * replaced by a random one: a service does not start without it.
   */
  env: Record<string, string>;
  /** Node's own flags before the entry (a bench's `--max-old-space-size=64`). */
  nodeArgs?: string[];
  startTimeoutMs?: number;
}

/**
 * Node's arguments that run a service's `script` as `npm run start:distributed` runs it (decision 0058): its compiled
 * bundle, built by the workspace's runner when a source changed, instead of compiling each module through tsx at every
 * start; `SLUICE_FROM_SOURCE=1` runs the sources through tsx. The runner is the workspace's tool, named by its path (a
 * library imports nothing of the platform).
 */
export function serviceEntryArguments(script: string, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env['SLUICE_FROM_SOURCE'] === '1') return ['--import', pathToFileURL(require.resolve('tsx')).href, script];
  return [join(__dirname, '../../../../platform/bin/run-compiled.mjs'), script];
}

/**
 * A service in a child process, talked to over HTTP: NestJS 12 is ESM-only, which jest cannot load on
 * Node 20, and the API is what the tests test. Resolves once the process prints `listening at <url>/graphql`.
 */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const given = options.env.SLUICE_INTERNAL_SECRET ?? process.env.SLUICE_INTERNAL_SECRET ?? '';
  const internalSecret = Buffer.byteLength(given, 'utf8') >= MIN_INTERNAL_SECRET_BYTES ? given : randomBytes(32).toString('base64url');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...serviceEntryArguments(options.script)], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, SLUICE_INTERNAL_SECRET: internalSecret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (chunk: Buffer) => void (output += chunk.toString());
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = await listeningUrl(child, options.name, options.startTimeoutMs ?? 60_000, () => output);
  const post = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: internalSecret, ...headers }, body });
    return { status: res.status, text: await res.text() };
  };
  return {
    url,
    pid: child.pid!,
    internalSecret,
    post,
    output: () => output,
    async graphql(query, variables, headers) {
      const { status, text } = await post(JSON.stringify({ query, variables }), headers);
      return { status, ...(JSON.parse(text) as object) };
    },
    stop: () => stopProcess(child),
  };
}

function listeningUrl(child: ChildProcess, name: string, timeoutMs: number, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the ${name} did not start within ${timeoutMs / 1000} s:\n${output()}`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = () => {
      const match = /listening at (http:\/\/\S+)\/graphql/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => fail(new Error(`the ${name} exited with ${code}:\n${output()}`)));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
