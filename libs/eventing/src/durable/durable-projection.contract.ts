import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventStore } from '../event-store';
import { rebuildProjections, type RebuildProgress } from '../projection/rebuild-projections';
import { DurableProjectionFollower } from './durable-projection-follower';
import { DurableProjectionRunner } from './durable-projection-runner';
import { DurableRebuildable } from './durable-rebuildable';
import { readModelDatabaseOf, type ReadModelDatabase } from './read-model-database';
import { loadReadModelCheckpoint, NOTHING_FOLDED } from './read-model-checkpoint';
import { TallyProjection } from './testing/tally-projection';

export interface DurableProjectionTarget {
  /** Opens the same store (same schema or folder) each time; the caller closes it. */
  open(): Promise<EventStore>;
  /** How a child process opens that store (tally-child.ts). */
  childStore: { kind: 'postgres'; url: string; schema: string } | { kind: 'embedded'; dataDir: string };
  /** PGlite: one process at a time on the folder, so the test closes its store while a child runs. */
  exclusive: boolean;
}

const CHILD = join(__dirname, 'testing', 'tally-child.ts');

/** The durable projection contract (docs/decisions/0048), run against each SQL adapter. */
export function durableProjectionContract(name: string, target: DurableProjectionTarget): void {
  describe(`durable projection on ${name}`, () => {
    const suffix = () => randomUUID().replace(/-/g, '').slice(0, 10);

    async function appendTally(store: EventStore, tally: TallyProjection, count: number, offset = 0): Promise<void> {
      for (let i = offset; i < offset + count; i += 10) {
        const stream = `${tally.streamPrefixes[0]}${i % 30}`;
        await store.append(stream, Array.from({ length: Math.min(10, offset + count - i) }, (_, k) => ({ type: 'Counted', data: { n: i + k } })));
        // Events of other streams in between: the projection's checkpoint and prefix filter skip them.
        await store.append(`other${tally.suffix}-${i}`, [{ type: 'Unrelated', data: {} }]);
      }
    }

    /** What the tables must hold for the events of the store: computed from the events, not by the projection. */
    async function expected(store: EventStore, tally: TallyProjection) {
      const events = (await store.readAll()).filter((e) => e.streamId.startsWith(tally.streamPrefixes[0]!));
      const counts = new Map<string, { events: number; total: number }>();
      for (const e of events) {
        const c = counts.get(e.streamId) ?? { events: 0, total: 0 };
        c.events += 1;
        c.total += (e.data as { n?: number }).n ?? 0;
        counts.set(e.streamId, c);
      }
      return {
        events: events.map((e) => ({ position: e.position.toString(), stream_id: e.streamId, type: e.type, n: String((e.data as { n?: number }).n ?? 0) })),
        counts: [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([stream_id, c]) => ({ stream_id, events: String(c.events), total: String(c.total) })),
      };
    }

    // One store for the file; a test that starts a child on an exclusive store (PGlite) closes it meanwhile.
    let shared: EventStore | undefined;
    beforeAll(async () => {
      shared = await target.open();
    });
    afterAll(async () => {
      await shared?.close();
    });

    async function withStore<T>(use: (store: EventStore, database: ReadModelDatabase) => Promise<T>): Promise<T> {
      shared ??= await target.open();
      return use(shared, readModelDatabaseOf(shared)!);
    }

    /** Runs `child` with the test's store closed if only one process may have it open. */
    async function whileChildRuns<T>(child: () => Promise<T>): Promise<T> {
      if (target.exclusive && shared) {
        await shared.close();
        shared = undefined;
      }
      return child();
    }

    it('folds each event into its tables and commits the checkpoint with them', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        await appendTally(store, tally, 60);
        const runner = new DurableProjectionRunner(store, database, tally);
        await runner.start();
        expect(await tally.contents(database)).toEqual(await expected(store, tally));
        expect(runner.eventsRead).toBe(60);
        const last = (await expected(store, tally)).events.at(-1)!.position;
        expect(await loadReadModelCheckpoint(database, tally)).toBe(BigInt(last));
        // Live: an event appended now is folded, and waitForPosition says when.
        const { position } = await store.append(`${tally.streamPrefixes[0]}live`, [{ type: 'Counted', data: { n: 5 } }]);
        await runner.waitForPosition(position);
        expect(await tally.contents(database)).toEqual(await expected(store, tally));
        await runner.stop();
      });
    });

    it('with a commit interval, commits live events together, and at once for a waiter', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        const commits: number[] = [];
        const runner = new DurableProjectionRunner(store, database, tally, { commitIntervalMs: 400, onCommitted: (events) => void commits.push(events.length) });
        await runner.start();
        commits.length = 0;
        // Five live events one after another, faster than the interval: one transaction (or two, at a timer's edge).
        for (let n = 1; n <= 5; n += 1) await store.append(`${tally.streamPrefixes[0]}burst`, [{ type: 'Counted', data: { n } }]);
        await new Promise((resolve) => setTimeout(resolve, 900));
        expect(commits.reduce((a, b) => a + b, 0)).toBe(5);
        expect(commits.length).toBeLessThanOrEqual(2);
        expect(await tally.contents(database)).toEqual(await expected(store, tally));
        // A read after a write does not wait for the interval.
        const { position } = await store.append(`${tally.streamPrefixes[0]}burst`, [{ type: 'Counted', data: { n: 6 } }]);
        const asked = performance.now();
        await runner.waitForPosition(position);
        expect(performance.now() - asked).toBeLessThan(300);
        expect(await tally.contents(database)).toEqual(await expected(store, tally));
        await runner.stop();
      });
    });

    it('a restart reads only the events after its checkpoint', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        await appendTally(store, tally, 50);
        const first = new DurableProjectionRunner(store, database, tally);
        await first.start();
        await first.stop();
        await appendTally(store, tally, 20, 50);
        const second = new DurableProjectionRunner(store, database, tally);
        await second.start();
        expect(second.eventsRead).toBe(20);
        expect(await tally.contents(database)).toEqual(await expected(store, tally));
        await second.stop();
        const third = new DurableProjectionRunner(store, database, tally);
        await third.start();
        expect(third.eventsRead).toBe(0);
        await third.stop();
      });
    });

    it('a failing fold writes nothing: neither its rows nor the checkpoint move', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        await appendTally(store, tally, 10);
        const before = await expected(store, tally);
        const healthy = new DurableProjectionRunner(store, database, tally);
        await healthy.start();
        await healthy.stop();
        // A batch with a poisoned event rolls back whole: the good events before it in the batch are not folded either.
        await appendTally(store, tally, 5, 10);
        await store.append(`${tally.streamPrefixes[0]}bad`, [{ type: 'Poison', data: { n: 1 } }]);
        const errors: Error[] = [];
        const runner = new DurableProjectionRunner(store, database, tally, { onError: (e) => errors.push(e) });
        await expect(runner.start()).rejects.toThrow(/division by zero/);
        expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/division by zero/)]);
        expect(await tally.contents(database)).toEqual(before);
        expect(await loadReadModelCheckpoint(database, tally)).toBe(BigInt(before.events.at(-1)!.position));
        await runner.stop();
      });
    });

    if (!target.exclusive) {
      it('two processes running one projection apply each event once', async () => {
        const tally = new TallyProjection(suffix());
        await withStore(async (store, database) => {
          const other = await target.open();
          try {
            const a = new DurableProjectionRunner(store, database, tally);
            const b = new DurableProjectionRunner(other, readModelDatabaseOf(other)!, tally);
            await Promise.all([a.start(), b.start()]);
            await Promise.all([appendTally(store, tally, 100), appendTally(other, tally, 100, 100)]);
            const last = (await store.readAll()).filter((e) => e.streamId.startsWith(tally.streamPrefixes[0]!)).at(-1)!.position;
            await Promise.all([a.waitForPosition(last), b.waitForPosition(last)]);
            expect(await tally.contents(database)).toEqual(await expected(store, tally));
            expect(a.eventsFolded + b.eventsFolded).toBe(200);
            await Promise.all([a.stop(), b.stop()]);
          } finally {
            await other.close();
          }
        });
      });
    }

    if (!target.exclusive) {
      it('a process that only follows the read model sees another process fold it: waitForPosition resolves on its commits, never before', async () => {
        const tally = new TallyProjection(suffix());
        await withStore(async (store, database) => {
          const other = await target.open();
          const follower = new DurableProjectionFollower(database, tally, { waitTimeoutMs: 1_500, pollMs: 20 });
          try {
            await follower.start();
            expect(follower.checkpoint).toBe(NOTHING_FOLDED);
            // Appended while nobody folds: the follower waits, and gives up at its timeout.
            const { position: first } = await store.append(`${tally.streamPrefixes[0]}a`, [{ type: 'Counted', data: { n: 1 } }]);
            await expect(follower.waitForPosition(first)).rejects.toThrow(/did not reach position/);
            expect(await tally.contents(database)).toEqual({ events: [], counts: [] });
            // The folding process (its own store connection) starts: the waiter resolves once its commit moved the checkpoint.
            const waited = follower.waitForPosition(first);
            const folder = new DurableProjectionRunner(other, readModelDatabaseOf(other)!, tally);
            await folder.start();
            await waited;
            expect(follower.checkpoint).toBe(first);
            const { position: live } = await store.append(`${tally.streamPrefixes[0]}b`, [{ type: 'Counted', data: { n: 2 } }]);
            await follower.waitForPosition(live);
            expect(await tally.contents(database)).toEqual(await expected(store, tally));
            expect(folder.eventsFolded).toBe(2);
            await folder.stop();
          } finally {
            await follower.stop();
            await other.close();
          }
        });
      });
    }

    it('a rebuild truncates and replays in place, with progress; the runner then resumes after it', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        await appendTally(store, tally, 120);
        const runner = new DurableProjectionRunner(store, database, tally);
        await runner.start();
        await runner.stop();
        const live = await tally.contents(database);
        // Damage the rows: the rebuild must replace them, not add to them.
        await database.query(`UPDATE "${database.schema}"."${tally.tables[1]}" SET events = 0`);
        const progress: RebuildProgress[] = [];
        const result = await rebuildProjections(store, [new DurableRebuildable(database, tally, 25)], { pageSize: 40, onProgress: (p) => progress.push(p) });
        expect(result.folded[tally.name]).toBe(120);
        expect(progress.at(-1)).toMatchObject({ done: true, folded: { [tally.name]: 120 } });
        expect(progress.length).toBeGreaterThan(1);
        // The total comes from the store (countAll) before the replay, and is what the replay then read.
        expect(progress.at(-1)!.total).toBe(result.events);
        expect(await tally.contents(database)).toEqual(live);
        const after = new DurableProjectionRunner(store, database, tally);
        await after.start();
        expect(after.eventsRead).toBe(0);
        await after.stop();
      });
    });

    it('a rebuild stops at a batch that fails to commit: the batches before it stay, none after it is written', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        // Batches of 25 of the tally's events: 1–25 and 26–50 commit; 51–75 holds the poisoned event (the 61st).
        await appendTally(store, tally, 60);
        await store.append(`${tally.streamPrefixes[0]}bad`, [{ type: 'Poison', data: { n: 1 } }]);
        await appendTally(store, tally, 40, 60);
        const folded = (await store.readAll()).filter((e) => e.streamId.startsWith(tally.streamPrefixes[0]!));
        const rebuild = rebuildProjections(store, [new DurableRebuildable(database, tally, 25)], { pageSize: 40 });
        await expect(rebuild).rejects.toThrow(new RegExp(`batch of events after ${folded[49]!.position} up to ${folded[74]!.position} failed to commit: division by zero`));
        const { events } = (await tally.contents(database)) as { events: { position: string }[] };
        expect(events.map((e) => e.position)).toEqual(folded.slice(0, 50).map((e) => e.position.toString()));
        expect(await loadReadModelCheckpoint(database, tally)).toBe(folded[49]!.position);
      });
    });

    describe('crash test: a process killed with SIGKILL, restarted, equals a rebuild from zero', () => {
      function startChild(config: object): { child: ChildProcess; lines: string[]; waitFor(line: RegExp): Promise<string>; exited: Promise<number | null> } {
        const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
        const lines: string[] = [];
        let stderr = '';
        const watchers: { line: RegExp; resolve(line: string): void }[] = [];
        let buffered = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          const parts = buffered.split('\n');
          buffered = parts.pop()!;
          for (const line of parts) {
            lines.push(line);
            for (const w of [...watchers]) if (w.line.test(line)) (watchers.splice(watchers.indexOf(w), 1), w.resolve(line));
          }
        });
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
        return {
          child,
          lines,
          exited,
          waitFor: (line) =>
            new Promise<string>((resolve, reject) => {
              const found = lines.find((l) => line.test(l));
              if (found) return resolve(found);
              watchers.push({ line, resolve });
              void exited.then((code) => setTimeout(() => reject(new Error(`the child exited (${code}) before printing ${line}: ${stderr}`)), 50));
            }),
        };
      }

      async function restartAndCompare(tally: TallyProjection, expectedRead: number): Promise<void> {
        await withStore(async (store, database) => {
          // The restart, from the checkpoint the killed process committed last: it reads only the events after it.
          const again = new DurableProjectionRunner(store, database, tally);
          await again.start();
          await again.stop();
          expect(again.eventsRead).toBe(expectedRead);
          const recovered = await tally.contents(database);
          expect(recovered).toEqual(await expected(store, tally));
          await rebuildProjections(store, [new DurableRebuildable(database, tally)]);
          expect(await tally.contents(database)).toEqual(recovered);
        });
      }

      it('killed between a read-model write and the next event', async () => {
        const tally = new TallyProjection(suffix());
        await withStore((store) => appendTally(store, tally, 80));
        const crashed = await whileChildRuns(async () => startChild({ store: target.childStore, suffix: tally.suffix, crashAfterCommits: 3, batchSize: 10 }));
        expect(await crashed.exited).toBeNull(); // killed by a signal
        // Three transactions committed (batches end at 10 events or where a page of the store ends), then the kill.
        const committed = crashed.lines.filter((l) => l.startsWith('folded ')).length;
        expect(committed).toBeGreaterThanOrEqual(3);
        expect(committed).toBeLessThanOrEqual(30);
        await restartAndCompare(tally, 80 - committed);
      });

      it('killed inside a transaction, after its rows were written and before its commit', async () => {
        const tally = new TallyProjection(suffix());
        await withStore(async (store) => {
          await appendTally(store, tally, 20);
          await store.append(`${tally.streamPrefixes[0]}slow`, [{ type: 'Slow', data: { n: 7, seconds: 1.5 } }]);
          await appendTally(store, tally, 20, 20);
        });
        const crashed = await whileChildRuns(async () => {
          const child = startChild({ store: target.childStore, suffix: tally.suffix, batchSize: 10 });
          await child.waitFor(/^folding \d+ Slow$/);
          await new Promise((resolve) => setTimeout(resolve, 400)); // its rows are written; pg_sleep holds the commit
          child.child.kill('SIGKILL');
          await child.exited;
          return child;
        });
        // The Slow event's transaction (rows written, then asleep) was killed before its commit: not folded.
        const slow = crashed.lines.find((l) => / Slow$/.test(l))!.split(' ')[1];
        const committed = crashed.lines.filter((l) => l.startsWith('folded '));
        expect(committed).not.toContain(`folded ${slow}`);
        expect(committed.length).toBeLessThan(21);
        await restartAndCompare(tally, 41 - committed.length);
      });
    });

    it('a projection that has folded nothing has no checkpoint position', async () => {
      const tally = new TallyProjection(suffix());
      await withStore(async (store, database) => {
        const runner = new DurableProjectionRunner(store, database, tally);
        await runner.start();
        expect(runner.checkpoint).toBe(NOTHING_FOLDED);
        expect(await tally.contents(database)).toEqual({ events: [], counts: [] });
        await runner.stop();
      });
    });
  });
}
