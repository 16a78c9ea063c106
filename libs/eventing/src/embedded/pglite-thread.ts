import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { createRequire as CreateRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { SqlExecutor, SqlStatement } from '../sql/sql-executor';

type Operation =
  | { op: 'query'; text: string; params: (string | null)[] }
  | { op: 'script'; text: string }
  | { op: 'transaction'; statements: SqlStatement[] }
  | { op: 'close' };
type Request = Operation & { id: number };
type Reply = { id: number; rows?: Record<string, string | null>[]; error?: { name: string; message: string; code?: string } };

/**
 * The thread's own code, plain CommonJS (a worker thread gets neither jest's nor tsx's transform). PGlite runs a
 * statement synchronously inside its wasm: on the thread that called it, every query held that thread's event
 * loop for its whole duration.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { PGlite } = require(workerData.pglite);
const describe = (error) => ({ name: error && error.name || 'Error', message: error && error.message || String(error), code: error && error.code });
// A template this user made (0700, theirs): never one another user could have planted.
const ownTemplate = (template) => {
  try {
    fs.statSync(path.join(template, 'PG_VERSION'));
    const stat = fs.statSync(template);
    return stat.uid === process.getuid() && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
};
// A new folder starts as a copy of a cluster made once per PGlite version and setup script (the store's tables
// already in it), not with its own initdb and DDL.
async function prepare(dataDir) {
  if (dataDir === null || workerData.templates === null) return;
  if (fs.existsSync(dataDir) && fs.readdirSync(dataDir).length > 0) return;
  const template = path.join(workerData.templates, workerData.templateName);
  if (!ownTemplate(template)) {
    // There but not ours alone: never used, and a template of ours could not take its name; an initdb of its own.
    if (fs.existsSync(template)) return;
    fs.mkdirSync(workerData.templates, { recursive: true, mode: 0o700 });
    const making = fs.mkdtempSync(template + '.making-');
    try {
      const db = await PGlite.create(making);
      if (workerData.setupScript !== null) await db.transaction(async (tx) => { await tx.exec(workerData.setupScript); });
      await db.close();
      fs.renameSync(making, template);
    } catch {
      fs.rmSync(making, { recursive: true, force: true });
    }
    if (!ownTemplate(template)) return;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    fs.cpSync(template, dataDir, { recursive: true });
  } catch {
    // A copy that failed midway (a full disk, the template removed meanwhile): an initdb of its own instead.
    for (const entry of fs.readdirSync(dataDir)) fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
  }
}
prepare(workerData.dataDir).then(() => PGlite.create(workerData.dataDir === null ? undefined : workerData.dataDir)).then((db) => {
  parentPort.on('message', async (request) => {
    try {
      if (request.op === 'query') {
        const result = await db.query(request.text, request.params);
        parentPort.postMessage({ id: request.id, rows: result.rows });
      } else if (request.op === 'script') {
        await db.transaction(async (tx) => { await tx.exec(request.text); });
        parentPort.postMessage({ id: request.id });
      } else if (request.op === 'transaction') {
        await db.transaction(async (tx) => {
          for (const statement of request.statements) await tx.query(statement.text, statement.params);
        });
        parentPort.postMessage({ id: request.id });
      } else {
        await db.close();
        parentPort.postMessage({ id: request.id });
      }
    } catch (error) {
      parentPort.postMessage({ id: request.id, error: describe(error) });
    }
  });
  parentPort.postMessage({ id: 0 });
}, (error) => parentPort.postMessage({ id: 0, error: describe(error) }));
`;

/**
 * Where Node's own loader finds PGlite: jest intercepts `require('node:module')` and `require.resolve`, so the
 * loader is taken from the main context (under plain Node this is an ordinary resolve).
 */
function pglitePath(): string {
  const createRequire = runInThisContext("process.getBuiltinModule('node:module').createRequire") as typeof CreateRequire;
  return createRequire(__filename).resolve('@electric-sql/pglite');
}

/**
 * Where empty clusters are kept to start new data folders from (an initdb in PGlite takes ~3 s, a copy ~0.3 s):
 * `SLUICE_PGLITE_TEMPLATES`, else the user's cache folder; `off` makes every folder with its own initdb.
 */
function templatesFolder(): string | null {
  const configured = process.env.SLUICE_PGLITE_TEMPLATES;
  if (configured === 'off') return null;
  return configured || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice');
}

/** PGlite's version: a template made by another version is never used. */
function pgliteVersion(entry: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version.replace(/[^0-9A-Za-z.-]/g, '_');
  } catch {
    return undefined;
  }
}

/**
 * PGlite in a worker thread of its own, behind the store's `SqlExecutor`: the embedded platform's event loop (the
 * gateway, the engine, the worker's jobs) no longer stops for every query, and on a machine of two cores the
 * database and the rest run side by side (issue 18). PGlite is one connection: statements still run one at a
 * time, and a script's transaction excludes every other statement, as before.
 */
export class PGliteThread implements SqlExecutor {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(reply: Reply): void }>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: Reply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      entry.resolve(reply);
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const [id, entry] of this.pending) {
        this.pending.delete(id);
        entry.resolve({ id, error: { name: error.name, message: error.message } });
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the embedded database's thread ended (exit ${code})`)));
  }

  /**
   * Opens the database in `dataDir` (in memory when undefined) on a new thread. A new folder starts as a copy of a
   * template made once per PGlite version and `setupScript` (idempotent DDL the caller runs anyway, already applied
   * in the template: the store's tables cost their DDL once per machine, not at every new folder).
   */
  static async open(dataDir: string | undefined, options: { setupScript?: string } = {}): Promise<PGliteThread> {
    const pglite = pglitePath();
    const version = pgliteVersion(pglite);
    const setupScript = options.setupScript ?? null;
    const templateName = `pglite-${version}${setupScript === null ? '' : `-${createHash('sha256').update(setupScript).digest('hex').slice(0, 16)}`}`;
    const workerData = { pglite, dataDir: dataDir ?? null, templates: version === undefined ? null : templatesFolder(), version, templateName, setupScript };
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData });
    const thread = new PGliteThread(worker);
    // The database is open once the thread says so (request 0).
    const ready = await thread.call(0, undefined);
    if (ready.error) {
      await worker.terminate();
      throw Object.assign(new Error(ready.error.message), { name: ready.error.name, code: ready.error.code });
    }
    return thread;
  }

  async query(_name: string, text: string, params: readonly (string | null)[]): Promise<Record<string, string | null>[]> {
    return (await this.request({ op: 'query', text, params: [...params] })).rows ?? [];
  }

  async runScript(text: string): Promise<void> {
    await this.request({ op: 'script', text });
  }

  async transaction(statements: readonly SqlStatement[]): Promise<void> {
    await this.request({ op: 'transaction', statements: statements.map(({ text, params }) => ({ text, params: [...params] })) });
  }

  /** Closes the database, then ends the thread. */
  async close(): Promise<void> {
    if (this.failure === undefined) await this.request({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private async request(request: Operation): Promise<Reply> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    const reply = await this.call(id, { ...request, id });
    if (reply.error) throw Object.assign(new Error(reply.error.message), { name: reply.error.name, code: reply.error.code });
    return reply;
  }

  /** Sends `request` (none for the thread's ready message) and waits for reply `id`; the thread keeps the process alive only meanwhile. */
  private call(id: number, request: Request | undefined): Promise<Reply> {
    return new Promise<Reply>((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.ref();
      if (request) this.worker.postMessage(request);
    });
  }
}
