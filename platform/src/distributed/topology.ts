import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// The bootstrap alone, not the app: NestJS is ESM-only and this module also runs inside jest.
import { ensureAdmin } from '@sluice/permissions';
import { workerEnvironment, workerToken } from './worker-credential';
import { loadRuntimeConfig, openEventStore, type Env } from '@sluice/runtime';
import { entryArguments } from '../entry-arguments';
import { together, type PlatformComponent } from '../components/platform-component';
import { startComponents } from '../components/start-components';
import { startBalancer, type RunningBalancer } from './balancer';

/**
 * Distributed mode as OS processes: the subgraph services, N engine instances, the gateway federating them,
 * M workers taking jobs through the gateway. One module for `npm run start:distributed`, the distributed e2e
 * test and the distributed bench (decision 0019). Each process is a platform component, as each part of the
 * embedded platform is (decision 0032): started in order, stopped in reverse.
 */

const ROOT = join(__dirname, '../../..');

/**
 * Subgraph services started when their package has a `src/main.ts`, besides pipelines and executions: the
 * one list to extend when a service gets its own process. Each prints `… listening at <url>/graphql`.
 */
export const OPTIONAL_SUBGRAPH_SERVICES = ['artifacts', 'permissions'] as const;

export interface TopologyOptions {
  /**
   * The environment every process starts from (main.ts: the operator's, process.env), the platform's own variables laid
   * over it; its SLUICE_INTERNAL_SECRET, if set, is the one the processes share. A worker sees only its part of it
   * (workerEnvironment). The one place the parent's environment reaches the children.
   */
  inheritedEnv: Env;
  /** `postgres://…` or `esdb://…` (SLUICE_EVENT_STORE of every process). */
  eventStore: string;
  /** SLUICE_EVENT_STORE_SCHEMA on PostgreSQL. */
  eventStoreSchema?: string;
  kafkaBrokers: string[];
  /** SLUICE_KAFKA_TOPIC_PREFIX: several installations (test runs) on one broker. */
  topicPrefix?: string;
  /** A folder every worker and service shares (SLUICE_ARTIFACTS). */
  artifactsDir: string;
  /** SLUICE_DATA_DIR of every process: where a service keeps its files (the admin token, the artifact URL secret). */
  dataDir?: string;
  /** Engine instances (executions service processes), default 2. */
  engines?: number;
  /** Worker processes, default 2. */
  workers?: number;
  /**
   * Processes that fold the durable read models (the permissions service's audit trails) apart from the APIs, default 0
   * (the permissions process folds them itself). With 1 or more: `projections-1`… (SLUICE_PERMISSIONS_ROLE=projections),
   * started with the services, and the permissions process only reads the trails (SLUICE_PERMISSIONS_ROLE=api; decision 0061).
   */
  projections?: number;
  /** Webhook receiver and git poller processes (services/triggers), default 1; 0 runs no triggers. */
  triggers?: number;
  /** Added to the triggers processes' environment (e.g. SLUICE_POLL_INTERVAL_MS). */
  triggersEnv?: Record<string, string>;
  /** The port clients use: the gateway's, or the balancer's in front of several (0 = any free one). Services take free loopback ports. */
  gatewayPort?: number;
  /**
   * Gateway processes (default 1). More than one: `gateway-1`…, each federating every engine instance, behind Debian's
   * HAProxy (balancer.ts) on `gatewayPort`; `gatewayUrl` is then the balancer's.
   */
  gateways?: number;
  /** Optional services to start when present (default: every one of OPTIONAL_SUBGRAPH_SERVICES whose main.ts exists). */
  optionalServices?: readonly string[];
  /** Added to every process's environment (e.g. SLUICE_LOG_LEVEL), then the per-role ones. */
  env?: Record<string, string>;
  executionsEnv?: Record<string, string>;
  workerEnv?: Record<string, string>;
  /** Each line a child prints, as it prints it. */
  onLine?: (process: string, line: string) => void;
  /** How long one process may take to print its ready line (default 60 s). */
  startTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping (default 30 s: a worker's job grace is 25 s by default). */
  stopGraceMs?: number;
}

export type ProcessRole = 'subgraph' | 'engine' | 'projections' | 'triggers' | 'gateway' | 'worker';

export interface TopologyProcess {
  /** `pipelines`, `executions-1`, `gateway`, `worker-2`, … */
  readonly name: string;
  readonly role: ProcessRole;
  readonly pid: number;
  /** Base URL of a process that serves HTTP (`${url}/graphql`, `/healthz`, `/readyz`). */
  readonly url?: string;
  /** Every line printed so far (stdout and stderr). */
  output(): string;
  /** kill -9: no drain, nothing flushed. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after the grace. Resolves with how it ended. */
  stop(graceMs?: number): Promise<ProcessEnd>;
  readonly exited: Promise<ProcessEnd>;
}

export interface ProcessEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface DistributedTopology {
  /** The gateway, or the balancer in front of the gateways: `${gatewayUrl}/graphql`. */
  gatewayUrl: string;
  /** HAProxy in front of the gateways, when there are several. */
  balancer?: { url: string; pid: number };
  /**
   * The admin token of account `default` (the gateway authenticates every caller, decision 0021): created with the
   * admin at first start and kept in `<dataDir>/admin-token`; the workers get it as SLUICE_TOKEN. Undefined when the
   * admin existed already and `<dataDir>` has no token file.
   */
  adminToken?: string;
  /** True when this start created the admin (its token is shown once). */
  adminCreated: boolean;
  /** The processes running or killed, in start order; a restarted one is its new process. */
  readonly processes: TopologyProcess[];
  process(name: string): TopologyProcess;
  /**
   * Starts a process of the topology again, with the environment it started with (the URLs of the others as they are
   * now): after a kill, as a supervisor would. Refused while it runs.
   */
  restart(name: string): Promise<TopologyProcess>;
  /** Workers first (they report through the gateway), then the gateway, then the services; bounded by `stopGraceMs` each. */
  stop(): Promise<void>;
  /** Each process's readiness, in start order: its `/readyz` answers 200, or, for a worker, it runs. */
  ready(): Promise<Array<{ name: string; ready: boolean }>>;
}

interface Spec {
  name: string;
  role: ProcessRole;
  script: string;
  /** Asked at its start: what it needs from the processes started before it (their URLs, the workers' token). */
  env: () => Record<string, string> | Promise<Record<string, string>>;
  /** The line that says the process is up; a capture group, if any, is its base URL. */
  ready: RegExp;
  /** `env` is the whole environment (the worker's): nothing of this process's own is passed on. */
  ownEnvironment?: boolean;
}

const LISTENING = /listening at (https?:\/\/[^\s"]+?)\/graphql/;
const WORKER_READY = /worker \S+ taking jobs from/;
const TRIGGERS_READY = /triggers listening at (https?:\/\/[^\s"]+?)\/webhooks/;
const PROJECTIONS_READY = /permissions projections folding at (https?:\/\/[^\s"]+?)\/metrics/;

/** The optional services whose process entry exists in this checkout. */
export function presentOptionalServices(): string[] {
  return OPTIONAL_SUBGRAPH_SERVICES.filter((name) => existsSync(join(ROOT, `services/${name}/src/main.ts`)));
}

export async function startDistributedTopology(options: TopologyOptions): Promise<DistributedTopology> {
  const engines = options.engines ?? 2;
  const workers = options.workers ?? 2;
  const common: Record<string, string> = {
    SLUICE_EVENT_STORE: options.eventStore,
    ...(options.eventStoreSchema ? { SLUICE_EVENT_STORE_SCHEMA: options.eventStoreSchema } : {}),
    SLUICE_KAFKA_BROKERS: options.kafkaBrokers.join(','),
    SLUICE_KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
    SLUICE_ARTIFACTS: options.artifactsDir,
    ...(options.dataDir ? { SLUICE_DATA_DIR: options.dataDir } : {}),
    // The text of action logs (docs/decisions/0049): the engines write it, the gateways read it for actionLogAppended.
    SLUICE_LOGS: options.dataDir ? join(options.dataDir, 'logs') : `${options.artifactsDir.replace(/\/+$/, '')}-logs`,
    SLUICE_LOG_FORMAT: 'json',
    // Only the gateway may reach a subgraph (libs/graphql-service internal-secret.ts): a fresh secret of 32 random bytes
    // per start unless one is given (a service refuses to start with one shorter than 32 bytes).
    SLUICE_INTERNAL_SECRET: options.inheritedEnv.SLUICE_INTERNAL_SECRET?.trim() || randomBytes(32).toString('base64url'),
    ...options.env,
  };
  const serviceEnv = { ...common, SLUICE_PORT: '0' };
  const optional = options.optionalServices ?? presentOptionalServices();
  const admin = await bootstrapAdmin(options);

  // `started()`: the processes running, in the order they are listed below.
  const processes: ProcessComponent[] = [];
  const processOf = (spec: Spec): ProcessComponent => {
    const part = processComponent(spec, options);
    processes.push(part);
    return part;
  };
  const started = (role?: ProcessRole): TopologyProcess[] =>
    processes.flatMap((part) => (part.process && (role === undefined || part.process.role === role) ? [part.process] : []));
  const gatewayCount = options.gateways ?? 1;
  let balancer: RunningBalancer | undefined;
  const gatewayUrl = () => balancer?.url ?? started('gateway')[0]!.url!;
  // Workers hold a token of their own that only takes and reports jobs, and an environment of their own: one token for all.
  let jobToken: Promise<string | undefined> | undefined;
  const workerJobToken = () => (jobToken ??= admin.token ? workerToken(gatewayUrl(), admin.token) : Promise.resolve(undefined));

  // Every process, in the order `processes` and SLUICE_SUBGRAPHS list them; `components` below says which start when.
  const pipelines = processOf({ name: 'pipelines', role: 'subgraph', script: 'services/pipelines/src/main.ts', env: () => serviceEnv, ready: LISTENING });
  // Every engine instance can relay the store to Kafka; one does at a time, the others stand by and one takes over when it
  // dies (decision 0079; what it republishes is deduped, 0002).
  const engineProcesses = Array.from({ length: engines }, (_, i) =>
    processOf({
      name: `executions-${i + 1}`,
      role: 'engine',
      script: 'services/executions/src/main.ts',
      env: () => ({ ...serviceEnv, SLUICE_RELAY: '1', ...options.executionsEnv }),
      ready: LISTENING,
    }),
  );
  // The durable read models folded apart (decision 0061): the permissions API then only reads them.
  const projectionCount = optional.includes('permissions') ? (options.projections ?? 0) : 0;
  const projectionProcesses = Array.from({ length: projectionCount }, (_, i) =>
    processOf({
      name: `projections-${i + 1}`,
      role: 'projections',
      script: 'services/permissions/src/main.ts',
      env: () => ({ ...serviceEnv, SLUICE_PERMISSIONS_ROLE: 'projections' }),
      ready: PROJECTIONS_READY,
    }),
  );
  const roleOf = (name: string): Record<string, string> => (name === 'permissions' && projectionCount > 0 ? { SLUICE_PERMISSIONS_ROLE: 'api' } : {});
  const optionalProcesses = optional.map((name) =>
    processOf({ name, role: 'subgraph', script: `services/${name}/src/main.ts`, env: () => ({ ...serviceEnv, ...roleOf(name) }), ready: LISTENING }),
  );
  // The triggers start pipelines on any executions instance (the store keeps one execution per push) and receive the
  // webhooks the gateway passes on.
  const triggerProcesses = Array.from({ length: options.triggers ?? 1 }, (_, i) =>
    processOf({
      name: `triggers-${i + 1}`,
      role: 'triggers',
      script: 'services/triggers/src/main.ts',
      env: () => ({ ...serviceEnv, SLUICE_EXECUTIONS_URLS: started('engine').map((p) => `${p.url}/graphql`).join(','), ...options.triggersEnv }),
      ready: TRIGGERS_READY,
    }),
  );
  const gatewayProcesses = Array.from({ length: gatewayCount }, (_, i) =>
    processOf({
      name: gatewayCount === 1 ? 'gateway' : `gateway-${i + 1}`,
      role: 'gateway',
      script: 'gateway/src/main.ts',
      env: () => {
        const webhookUrls = started('triggers').map((p) => p.url!);
        // Every engine instance serves the executions subgraph (the same data from the same store): the gateway asks the
        // first that takes a connection (gateway/src/subgraph-instances.ts), so a killed engine costs no request.
        const engines = started('engine').map((p) => `${p.url}/graphql`);
        const subgraphs = [
          ...started('subgraph').map((p) => `${p.name}=${p.url}/graphql`),
          ...(engines.length > 0 ? [`executions=${engines.join('|')}`] : []),
        ].join(',');
        return {
          ...common,
          SLUICE_PORT: String(gatewayCount === 1 ? (options.gatewayPort ?? 0) : 0),
          SLUICE_SUBGRAPHS: subgraphs,
          ...(gatewayCount > 1 ? { SLUICE_TRUSTED_PROXIES: '127.0.0.1' } : {}),
          ...(webhookUrls.length > 0 ? { SLUICE_WEBHOOK_URLS: webhookUrls.join(',') } : {}),
        };
      },
      ready: LISTENING,
    }),
  );
  const balancerComponent: PlatformComponent = {
    name: 'balancer',
    async start() {
      balancer = await startBalancer({
        dir: join(options.dataDir ?? options.artifactsDir, 'balancer'),
        port: options.gatewayPort ?? 0,
        backends: started('gateway').map((p) => p.url!),
        onLine: (line) => options.onLine?.('balancer', line),
      });
    },
    stop: async () => balancer?.stop(),
    ready: async () => (balancer ? (await fetch(`${balancer.url}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined))?.ok === true : false),
  };
  const workerProcesses = Array.from({ length: workers }, (_, i) =>
    processOf({
      name: `worker-${i + 1}`,
      role: 'worker',
      script: 'services/worker/src/main.ts',
      // Workers reach the job API through the gateway: no internal secret, no store or bus, no admin token.
      env: async () => {
        const token = await workerJobToken();
        return {
          ...workerEnvironment({ ...options.inheritedEnv, ...common }),
          SLUICE_GATEWAY_URL: gatewayUrl(),
          ...(token ? { SLUICE_TOKEN: token } : {}),
          ...options.workerEnv,
        };
      },
      ownEnvironment: true,
      ready: WORKER_READY,
    }),
  );

  // Started in this order, stopped in reverse: workers (they report through the gateway), gateway, triggers, then the
  // projections processes, the engines and, after them, the other services. The projections start with the services:
  // the permissions API finds their tables empty until they fold (it creates them if it is first), and no client reaches
  // it before the gateway, which starts once the projections are caught up and made the audit chain's legacy mark.
  const components: PlatformComponent[] = [
    together(
      'services',
      [together('subgraphs', [pipelines, ...optionalProcesses]), together('engines', engineProcesses), ...(projectionProcesses.length > 0 ? [together('projections', projectionProcesses)] : [])],
      { stopInReverse: true },
    ),
    together('triggers', triggerProcesses),
    together('gateways', gatewayProcesses),
    ...(gatewayCount > 1 ? [balancerComponent] : []),
    together('workers', workerProcesses),
  ];

  const running = await startComponents(components, { name: 'the distributed topology' });
  const partNamed = (name: string): ProcessComponent => {
    const found = processes.find((part) => part.process && part.name === name);
    if (!found) throw new Error(`no process named '${name}' (there are: ${started().map((p) => p.name).join(', ')})`);
    return found;
  };
  return {
    gatewayUrl: gatewayUrl(),
    ...(balancer ? { balancer: { url: balancer.url, pid: balancer.pid } } : {}),
    ...(admin.token ? { adminToken: admin.token } : {}),
    adminCreated: admin.created,
    get processes() {
      return started();
    },
    process: (name) => partNamed(name).process!,
    async restart(name) {
      const part = partNamed(name);
      if (part.running) throw new Error(`${name} (pid ${part.process!.pid}) is running: kill or stop it before restarting it`);
      await part.start();
      return part.process!;
    },
    stop: running.stop,
    ready: () => Promise.all(processes.filter((part) => part.process).map(async (part) => ({ name: part.name, ready: await part.ready() }))),
  };
}

/** One OS process as a platform component; `process` once it printed its ready line. */
interface ProcessComponent extends PlatformComponent {
  readonly process?: TopologyProcess;
  /** Its process has not exited. */
  readonly running: boolean;
}

function processComponent(spec: Spec, options: TopologyOptions): ProcessComponent {
  let running: TopologyProcess | undefined;
  let ended = false;
  return {
    name: spec.name,
    get process() {
      return running;
    },
    get running() {
      return running !== undefined && !ended;
    },
    async start() {
      const mine = await startProcess(spec, await spec.env(), options);
      running = mine;
      ended = false;
      void mine.exited.then(() => {
        if (running === mine) ended = true;
      });
    },
    async stop() {
      await running?.stop(options.stopGraceMs ?? 30_000);
    },
    async ready() {
      if (!running || ended) return false;
      if (!running.url) return true;
      const answer = await fetch(`${running.url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      return answer?.ok ?? false;
    },
  };
}

/**
 * The account `default` and its admin, created on the store before any service runs (as the permissions service's
 * README asks of whoever composes it); the token comes from the creation or from `<dataDir>/admin-token`.
 */
async function bootstrapAdmin(options: TopologyOptions): Promise<{ created: boolean; token?: string }> {
  const config = loadRuntimeConfig({ SLUICE_EVENT_STORE: options.eventStore, SLUICE_EVENT_STORE_SCHEMA: options.eventStoreSchema });
  const opened = await openEventStore(config.eventStore);
  try {
    const admin = await ensureAdmin(opened.store, { account: 'default', ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
    if (admin.created) return { created: true, token: admin.token };
    const file = options.dataDir ? join(options.dataDir, 'admin-token') : undefined;
    const token = file && existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    return { created: false, ...(token ? { token } : {}) };
  } finally {
    await opened.store.close();
  }
}

function startProcess(spec: Spec, env: Record<string, string>, options: TopologyOptions): Promise<TopologyProcess> {
  // SLUICE_CPU_PROFILE_DIR (of the starting process): a V8 CPU profile of each process, written there when it stops (the benches' profiling).
  const profile = process.env['SLUICE_CPU_PROFILE_DIR'] ? ['--cpu-prof', `--cpu-prof-dir=${process.env['SLUICE_CPU_PROFILE_DIR']}`, `--cpu-prof-name=${spec.name}.${Date.now()}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...profile, ...entryArguments(join(ROOT, spec.script))], {
    cwd: ROOT,
    env: spec.ownEnvironment ? env : { ...options.inheritedEnv, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<ProcessEnd>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const onLine = (line: string) => {
    output += `${line}\n`;
    options.onLine?.(spec.name, line);
  };
  forEachLine(child.stdout!, onLine);
  forEachLine(child.stderr!, onLine);
  const timeoutMs = options.startTimeoutMs ?? 60_000;

  return new Promise<TopologyProcess>((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not print its ready line within ${timeoutMs / 1000} s`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${spec.name} (pid ${child.pid}, ${spec.script}) ${why}; its last lines:\n${lastLines(output, 15)}`));
    };
    const check = () => {
      const match = spec.ready.exec(readableText(output));
      if (!match) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      resolve(handle(spec, child, match[1], () => output, exited));
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
    child.once('exit', onEarlyExit);
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
  });
}

function handle(spec: Spec, child: ChildProcess, url: string | undefined, output: () => string, exited: Promise<ProcessEnd>): TopologyProcess {
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    name: spec.name,
    role: spec.role,
    pid: child.pid!,
    url,
    output,
    exited,
    async kill() {
      if (running()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 30_000) {
      if (running()) {
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.kill('SIGTERM');
        const end = await exited;
        clearTimeout(timer);
        return end;
      }
      return exited;
    },
  };
}

/** JSON lines' `msg` fields, so that a ready line matches in either log format. */
function readableText(output: string): string {
  return output
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{')) return line;
      try {
        const entry = JSON.parse(line) as { msg?: unknown };
        return typeof entry.msg === 'string' ? entry.msg : line;
      } catch {
        return line;
      }
    })
    .join('\n');
}

function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

const lastLines = (text: string, n: number): string =>
  text
    .trimEnd()
    .split('\n')
    .slice(-n)
    .map((l) => `  ${l}`)
    .join('\n');
