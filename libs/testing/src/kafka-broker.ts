// A real Apache Kafka broker (KRaft, combined broker+controller) run from Maven Central jars,
// without Docker. Used by the jest globalSetup, by integration specs that need their own broker
// and, through infra/kafka/kafka.mjs, as the developer's local broker. See infra/kafka/README.md.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

/** Newest Kafka line checked against kafkajs 2.2.4: docs/decisions/0003-kafka-broker-and-client.md. */
export const DEFAULT_KAFKA_VERSION = '4.1.1';

export interface KafkaBroker {
  /** Bootstrap addresses, e.g. ['127.0.0.1:39092']. */
  brokers: string[];
  /** The KRaft data dir (log.dirs). */
  logDir: string;
  /** Folder holding server.properties, broker.log and logDir; a temp folder unless options.workDir was given. */
  workDir: string;
  /** The broker's stdout/stderr. */
  logFile: string;
  version: string;
  /** PID of the running JVM, undefined while stopped. */
  readonly pid: number | undefined;
  /** SIGTERM, wait up to ~10s, then SIGKILL; idempotent. Keeps the data for start(). */
  stop(): Promise<void>;
  /** Starts again on the same ports and log dir; resolves when the broker answers. */
  start(): Promise<void>;
  /** stop(), then removes a temp workDir. The broker cannot be started again. */
  destroy(): Promise<void>;
}

export interface StartKafkaOptions {
  /** Kafka version on Maven Central; default $SLUICE_KAFKA_VERSION or DEFAULT_KAFKA_VERSION. */
  version?: string;
  /** PLAINTEXT port; default a free one (or the one stored in workDir). */
  port?: number;
  /** Persistent folder for config, log and data (formatted once). Default: a fresh temp folder, removed on exit. */
  workDir?: string;
  /** Let the broker outlive this process (the CLI's `start`); its PID goes to workDir/broker.json. */
  detached?: boolean;
  /** How long to wait for the broker to answer; default 90s. */
  startTimeoutMs?: number;
}

/** What a workDir remembers so a broker restarts on the same ports and cluster. */
interface BrokerState {
  version: string;
  port: number;
  controllerPort: number;
  clusterId: string;
  pid?: number;
}

/** A broker this harness started and must not leave behind, with its temp dir: <cache>/brokers/<hash of workDir>.json. */
interface OwnedBrokerRecord {
  pid: number;
  ownerPid: number;
  workDir: string;
  temporary: boolean;
}

const REPO_ROOT = resolve(__dirname, '../../..');
const INFRA_DIR = join(REPO_ROOT, 'infra', 'kafka');
const STOP_GRACE_MS = 10_000;
const STATE_FILE = 'broker.json';
const SETPRIV = '/usr/bin/setpriv'; // util-linux, present on every Debian

// ---------------------------------------------------------------------------------------------
// Jars

export function sluiceCacheDir(): string {
  return process.env.SLUICE_CACHE_DIR ?? join(homedir(), '.cache', 'sluice');
}

function resolveVersion(version?: string): string {
  return version ?? process.env.SLUICE_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
}

/** Downloads the broker's jars once (Maven, via infra/kafka/pom.xml); returns the classpath folder. */
export async function ensureKafkaJars(version?: string): Promise<string> {
  const v = resolveVersion(version);
  const home = join(sluiceCacheDir(), `kafka-${v}`);
  const libs = join(home, 'libs');
  const marker = join(home, '.complete');
  if (existsSync(marker)) return libs;
  mkdirSync(home, { recursive: true });
  // Download beside the final folder and rename, so an interrupted fetch never looks complete.
  const partial = join(home, `libs.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  const started = Date.now();
  process.stderr.write(`fetching Kafka ${v} jars from Maven Central… (first run only)\n`);
  await run('mvn', ['-B', '-q', '-f', join(INFRA_DIR, 'pom.xml'), 'dependency:copy-dependencies', `-Dkafka.version=${v}`, `-DoutputDirectory=${partial}`], 'Maven (mvn) fetches the Kafka jars: install it (Debian: apt-get install maven)');
  if (!existsSync(join(partial, `kafka_2.13-${v}.jar`))) throw new Error(`Maven finished but ${partial} has no kafka_2.13-${v}.jar`);
  if (existsSync(marker)) {
    rmSync(partial, { recursive: true, force: true }); // another process finished first
  } else {
    rmSync(libs, { recursive: true, force: true });
    renameSync(partial, libs);
    writeFileSync(marker, `${new Date().toISOString()}\n`);
  }
  process.stderr.write(`fetched Kafka ${v} jars in ${((Date.now() - started) / 1000).toFixed(1)}s → ${libs}\n`);
  return libs;
}

function run(command: string, args: string[], missingHint: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolvePromise(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${command} not found. ${missingHint}`));
      reject(new Error(`${command} ${args.join(' ')} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Starting

export async function startKafkaBroker(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const version = resolveVersion(options.version);
  reapStaleBrokers();
  const classpath = await ensureKafkaJars(version);
  const temporary = options.workDir === undefined;
  const workDir = options.workDir ? resolve(options.workDir) : mkdtempSync(join(tmpdir(), 'sluice-kafka-'));
  try {
    return await startIn(workDir, classpath, version, temporary, options);
  } catch (error) {
    if (temporary) rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(workDir: string, classpath: string, version: string, temporary: boolean, options: StartKafkaOptions): Promise<KafkaBroker> {
  mkdirSync(workDir, { recursive: true });
  const state = await prepareWorkDir(workDir, version, options.port);
  if (!existsSync(join(workDir, 'kraft', 'meta.properties'))) await formatStorage(classpath, workDir, state.clusterId);
  const broker = new LocalKafkaBroker({
    classpath,
    workDir,
    state,
    temporary,
    detached: options.detached ?? false,
    startTimeoutMs: options.startTimeoutMs ?? 90_000,
  });
  try {
    await broker.start();
  } catch (error) {
    await broker.destroy().catch(() => undefined);
    throw error;
  }
  return broker;
}

async function prepareWorkDir(workDir: string, version: string, port?: number): Promise<BrokerState> {
  const previous = readBrokerState(workDir);
  const state: BrokerState = {
    version,
    port: port ?? previous?.port ?? (await freePort()),
    controllerPort: previous?.controllerPort ?? (await freePort()),
    clusterId: previous?.clusterId ?? newClusterId(),
  };
  writeFileSync(join(workDir, 'server.properties'), serverProperties(workDir, state));
  writeBrokerState(workDir, state);
  return state;
}

function serverProperties(workDir: string, { port, controllerPort }: BrokerState): string {
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': join(workDir, 'kraft'),
    'num.partitions': 3,
    'auto.create.topics.enable': true,
    'offsets.topic.replication.factor': 1,
    // 50 partitions by default: the first consumer group then waits for all of them to load.
    'offsets.topic.num.partitions': 5,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 5,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
  };
  return Object.entries(settings).map(([key, value]) => `${key}=${value}\n`).join('');
}

/** Like Kafka's Uuid.randomUuid(): 16 random bytes, base64url, never starting with '-' (read as an option). */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

async function formatStorage(classpath: string, workDir: string, clusterId: string): Promise<void> {
  const args = [...jvmFlags(classpath), ...useClassArchive(classpath), 'kafka.tools.StorageTool', 'format', '--ignore-formatted', `--cluster-id=${clusterId}`, `--config=${join(workDir, 'server.properties')}`];
  await run('java', args, 'Kafka needs Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)');
}

// A class-data-sharing archive of the broker's classes takes a start from ~1.5s to ~0.9s. The first
// broker of a version records it when it exits cleanly (~2s more on that one stop); later ones map it.
function classArchive(classpath: string): string {
  return join(classpath, '..', 'broker.jsa');
}

function useClassArchive(classpath: string): string[] {
  return existsSync(classArchive(classpath)) ? [`-XX:SharedArchiveFile=${classArchive(classpath)}`] : [];
}

function recordClassArchive(classpath: string): { flags: string[]; keep(exitedCleanly: boolean): void } {
  if (existsSync(classArchive(classpath))) return { flags: useClassArchive(classpath), keep: () => undefined };
  const partial = `${classArchive(classpath)}.${process.pid}-${randomBytes(4).toString('hex')}`;
  return {
    flags: [`-XX:ArchiveClassesAtExit=${partial}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'],
    keep(exitedCleanly) {
      if (exitedCleanly && existsSync(partial) && !existsSync(classArchive(classpath))) renameSync(partial, classArchive(classpath));
      else rmSync(partial, { force: true });
    },
  };
}

/** A JDK update makes the archive unusable (the JVM says so and runs without it): drop it to record a new one. */
function dropUnusableClassArchive(classpath: string, logSinceLaunch: string): void {
  if (/shared archive file/i.test(logSinceLaunch)) rmSync(classArchive(classpath), { force: true });
}

function jvmFlags(classpath: string): string[] {
  return [
    // Measured on 2 cores: serial GC and C1 only take a start from ~2.0s to ~1.5s (infra/kafka/README.md).
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(INFRA_DIR, 'log4j2.properties')}`,
    '-cp',
    join(classpath, '*'),
  ];
}

// ---------------------------------------------------------------------------------------------
// A running broker

interface LocalBrokerConfig {
  classpath: string;
  workDir: string;
  state: BrokerState;
  temporary: boolean;
  detached: boolean;
  startTimeoutMs: number;
}

class LocalKafkaBroker implements KafkaBroker {
  readonly brokers: string[];
  readonly logDir: string;
  readonly workDir: string;
  readonly logFile: string;
  readonly version: string;
  private child: ChildProcess | undefined;
  private stopping: Promise<void> | undefined;
  private destroyed = false;
  private logOffset = 0;

  constructor(private readonly config: LocalBrokerConfig) {
    this.workDir = config.workDir;
    this.logDir = join(config.workDir, 'kraft');
    this.logFile = join(config.workDir, 'broker.log');
    this.brokers = [`127.0.0.1:${config.state.port}`];
    this.version = config.state.version;
  }

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  async start(): Promise<void> {
    if (this.destroyed) throw new Error(`Kafka broker in ${this.workDir} was destroyed`);
    await this.stopping;
    if (this.pid !== undefined) return;
    const child = this.launch();
    this.child = child;
    try {
      await waitUntilAnswers(this.brokers, child, this.logFile, this.config.startTimeoutMs);
      dropUnusableClassArchive(this.config.classpath, readFrom(this.logFile, this.logOffset));
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  stop(): Promise<void> {
    this.stopping ??= this.terminate().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.stop();
    liveBrokers.delete(this);
    if (this.config.temporary) rmSync(this.workDir, { recursive: true, force: true });
    if (!this.config.detached) forgetOwnedBroker(this.workDir);
  }

  /** Synchronous last resort for process exit: no waiting is possible there. */
  killNow(): void {
    const pid = this.pid;
    if (pid !== undefined) signal(pid, 'SIGKILL');
    if (this.config.temporary) rmSync(this.workDir, { recursive: true, force: true, maxRetries: 3 });
    forgetOwnedBroker(this.workDir);
  }

  private launch(): ChildProcess {
    const { classpath, workDir, state, detached } = this.config;
    const out = openSync(this.logFile, 'a');
    this.logOffset = fstatSync(out).size;
    const archive = detached ? { flags: useClassArchive(classpath), keep: () => undefined } : recordClassArchive(classpath);
    const java = ['java', '-Xmx512m', '-XX:+ExitOnOutOfMemoryError', ...jvmFlags(classpath), ...archive.flags, 'kafka.Kafka', join(workDir, 'server.properties')];
    const [command, ...args] = detached ? java : diesWithThisProcess(java);
    const child = spawn(command!, args, {
      cwd: workDir,
      stdio: ['ignore', out, out],
      detached,
    });
    closeSync(out);
    child.on('error', () => undefined); // a missing java shows as pid undefined, below
    const pid = child.pid;
    if (pid === undefined) throw new Error('java could not be started: Kafka needs Java 17 or newer on the PATH');
    child.on('exit', (_code, killedBy) => archive.keep(killedBy === null));
    if (detached) {
      child.unref();
      writeBrokerState(workDir, { ...state, pid });
    } else {
      rememberOwnedBroker({ pid, ownerPid: process.pid, workDir, temporary: this.config.temporary });
      liveBrokers.add(this);
      installExitHooks();
    }
    return child;
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    const pid = this.pid;
    if (child === undefined || pid === undefined) return;
    await stopProcess(pid, () => child.exitCode !== null || child.signalCode !== null);
    if (this.config.detached) writeBrokerState(this.workDir, { ...this.config.state, pid: undefined });
  }
}

/** Even a SIGKILLed owner (no exit hook runs) takes its broker along: Linux parent-death signal. */
function diesWithThisProcess(command: string[]): string[] {
  return existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...command] : command;
}

async function waitUntilAnswers(brokers: string[], child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({ clientId: 'sluice-broker-probe', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, requestTimeout: 2000, retry: { retries: 0 } });
  const exited = new Promise<false>((resolvePromise) => child.once('exit', () => resolvePromise(false)));
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Kafka broker exited (${child.exitCode ?? child.signalCode}) before answering on ${brokers}. Tail of ${logFile}:\n${tailOf(logFile)}`);
    }
    // Something else may hold the port and accept connections without answering: don't wait on it.
    if (await Promise.race([answers(kafka), exited])) return;
    if (Date.now() > deadline) {
      throw new Error(`Kafka broker did not answer on ${brokers} within ${timeoutMs / 1000}s. Tail of ${logFile}:\n${tailOf(logFile)}`);
    }
    await sleep(200);
  }
}

/** True once the broker serves metadata and lists itself (it is registered and unfenced). */
async function answers(kafka: Kafka): Promise<boolean> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function tailOf(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

async function stopProcess(pid: number, exited: () => boolean = () => !isAlive(pid)): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitFor(exited, STOP_GRACE_MS)) return;
  signal(pid, 'SIGKILL');
  await waitFor(exited, 5_000);
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A broker that is not our child lingers as a zombie until init reaps it; it is dead all the same. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Guards against a recycled PID: only a JVM running kafka.Kafka from that workDir is ours. */
function isOurBroker(pid: number, workDir: string): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.includes('kafka.Kafka') && commandLine.includes(workDir);
  } catch {
    return false;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// No orphans: live brokers die with this process; brokers of a crashed run die at the next start.

const liveBrokers = new Set<LocalKafkaBroker>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', killLiveBrokers);
  for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killLiveBrokers();
      process.off(name, onSignal);
      // Our listener replaced Node's default (exit); keep that default unless someone else handles it.
      if (process.listenerCount(name) === 0) process.kill(process.pid, name);
    };
    process.on(name, onSignal);
  }
}

function killLiveBrokers(): void {
  for (const broker of liveBrokers) broker.killNow();
  liveBrokers.clear();
}

function ownedBrokersDir(): string {
  return join(sluiceCacheDir(), 'brokers');
}

function rememberOwnedBroker(record: OwnedBrokerRecord): void {
  mkdirSync(ownedBrokersDir(), { recursive: true });
  // Atomic, so a concurrent reaper never reads half a record.
  const file = ownedBrokerFile(record.workDir);
  writeFileSync(`${file}.${process.pid}.tmp`, JSON.stringify(record));
  renameSync(`${file}.${process.pid}.tmp`, file);
}

function forgetOwnedBroker(workDir: string): void {
  rmSync(ownedBrokerFile(workDir), { force: true });
}

// Keyed by workDir, not pid: the record outlives a stop() so a crashed owner's temp dir is found too.
function ownedBrokerFile(workDir: string): string {
  return join(ownedBrokersDir(), `${createHash('sha256').update(workDir).digest('hex').slice(0, 16)}.json`);
}

/** Kills brokers whose owning process died without stopping them (crash, SIGKILL). */
export function reapStaleBrokers(): void {
  let names: string[] = [];
  try {
    names = readdirSync(ownedBrokersDir()).filter((name) => name.endsWith('.json'));
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(ownedBrokersDir(), name);
    const record = readJson<OwnedBrokerRecord>(file);
    if (record && isAlive(record.ownerPid)) continue;
    if (record && isOurBroker(record.pid, record.workDir)) {
      process.stderr.write(`killing stale Kafka broker ${record.pid} left by process ${record.ownerPid}\n`);
      signal(record.pid, 'SIGKILL');
    }
    if (record?.temporary) rmSync(record.workDir, { recursive: true, force: true });
    rmSync(file, { force: true }); // another process may be reaping too
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// A detached broker in a persistent workDir (infra/kafka/kafka.mjs start|stop|status)

export function readBrokerState(workDir: string): BrokerState | undefined {
  return readJson<BrokerState>(join(workDir, STATE_FILE));
}

function writeBrokerState(workDir: string, state: BrokerState): void {
  writeFileSync(join(workDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export interface DetachedBrokerStatus {
  running: boolean;
  pid?: number;
  brokers?: string[];
  workDir: string;
}

export function detachedBrokerStatus(workDir: string): DetachedBrokerStatus {
  const state = readBrokerState(resolve(workDir));
  const pid = state?.pid;
  const running = pid !== undefined && isOurBroker(pid, resolve(workDir));
  return { running, pid: running ? pid : undefined, brokers: state ? [`127.0.0.1:${state.port}`] : undefined, workDir: resolve(workDir) };
}

/** Stops the broker that `startKafkaBroker({ workDir, detached: true })` left running; false if none was. */
export async function stopDetachedBroker(workDir: string): Promise<boolean> {
  const dir = resolve(workDir);
  const state = readBrokerState(dir);
  const status = detachedBrokerStatus(dir);
  if (!state || !status.running || status.pid === undefined) return false;
  await stopProcess(status.pid);
  writeBrokerState(dir, { ...state, pid: undefined });
  return true;
}
