import type { createRequire as CreateRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import type { SqlExecutor } from '../sql/sql-executor';

type Operation = { op: 'query'; text: string; params: (string | null)[] } | { op: 'script'; text: string } | { op: 'close' };
type Request = Operation & { id: number };
type Reply = { id: number; rows?: Record<string, string | null>[]; error?: { name: string; message: string; code?: string } };

/**
 * The thread's own code, plain CommonJS (a worker thread gets neither jest's nor tsx's transform). PGlite runs a
 * statement synchronously inside its wasm: on the thread that called it, every query held that thread's event
 * loop for its whole duration.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
const describe = (error) => ({ name: error && error.name || 'Error', message: error && error.message || String(error), code: error && error.code });
PGlite.create(workerData.dataDir === null ? undefined : workerData.dataDir).then((db) => {
  parentPort.on('message', async (request) => {
    try {
      if (request.op === 'query') {
        const result = await db.query(request.text, request.params);
        parentPort.postMessage({ id: request.id, rows: result.rows });
      } else if (request.op === 'script') {
        await db.transaction(async (tx) => { await tx.exec(request.text); });
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

  /** Opens the database in `dataDir` (in memory when undefined) on a new thread. */
  static async open(dataDir: string | undefined): Promise<PGliteThread> {
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { pglite: pglitePath(), dataDir: dataDir ?? null } });
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
