import type { EventStore, RecordedEvent } from '../event-store';

/**
 * What a projection offers to be dropped and rebuilt from the store (docs/decisions/0022). In-memory
 * projections (every one so far) reset by forgetting; a durable one truncates its tables and checkpoint.
 */
export interface RebuildableProjection {
  /** `<service>.<projection>`, e.g. `pipelines.read-models`: what progress lines and errors name. */
  readonly name: string;
  /** The streams it folds; an event of any other stream is not given to it. */
  readonly streamPrefixes: readonly string[];
  /** Drops every folded content and the checkpoint: the projection is as before its first event. */
  reset(): Promise<void> | void;
  /** Folds one event (in position order). */
  apply(event: RecordedEvent): Promise<void> | void;
  /** The position of the last event folded in; undefined before the first. */
  checkpoint(): Promise<bigint | undefined> | bigint | undefined;
  /** Called once the rebuild reached the head; a durable projection stores its checkpoint there. */
  rebuilt?(position: bigint | undefined): Promise<void> | void;
  /**
   * Optional: rebuilds without being given events, its database folding the store's events itself up to the head
   * (after `reset`), calling `progress` with the position reached after each transaction; resolves with the position
   * reached and how many events of its streams it folded. Offered by a durable read model on the store's own database
   * (decision 0059): the rebuild then reads no event for it.
   */
  rebuildInDatabase?(progress: (position: bigint) => void): Promise<{ lastPosition: bigint | undefined; folded: number }>;
  /** The folded contents as plain data (maps, arrays, records), caches and waiters left out: rebuilt and live copies compare deep-equal. */
  contents(): unknown;
}

export interface RebuildProgress {
  /** Events of the store read so far, and how many there are (counted before the replay). */
  read: number;
  total: number;
  eventsPerSecond: number;
  /** Per projection, the events it folded so far (one its database folds: known when it ends). */
  folded: Record<string, number>;
  /** Per projection its database folds: the store position its last committed range reached, as it goes. */
  reached: Record<string, number>;
  done: boolean;
}

/** Events per read: few round trips, and two pages of events (the one folded, the one read ahead) in memory. */
const DEFAULT_PAGE_SIZE = 5_000;

export interface RebuildOptions {
  /** Events per read of the store. Default 5,000. */
  pageSize?: number;
  /** Called after each page and once at the end. */
  onProgress?: (progress: RebuildProgress) => void;
}

export interface RebuildResult {
  events: number;
  lastPosition: bigint | undefined;
  elapsedMs: number;
  folded: Record<string, number>;
}

/**
 * Drops every projection given and folds the store into them again, in one pass over `$all` (each
 * event given to the projections whose prefixes match). The store is first counted (`countAll`, else by reading it),
 * so progress can say "read / total". Events appended during the rebuild after the count are folded too (the pass reads to the head).
 */
export async function rebuildProjections(store: EventStore, projections: readonly RebuildableProjection[], options: RebuildOptions = {}): Promise<RebuildResult> {
  const names = new Set<string>();
  for (const projection of projections) {
    if (names.has(projection.name)) throw new Error(`Two projections are named '${projection.name}': names must be unique.`);
    names.add(projection.name);
  }
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const total = store.countAll ? await store.countAll() : await countEvents(store, pageSize * 5);
  for (const projection of projections) await projection.reset();
  const inDatabase = projections.filter((p) => p.rebuildInDatabase);
  const given = projections.filter((p) => !p.rebuildInDatabase);
  const folded: Record<string, number> = Object.fromEntries(projections.map((p) => [p.name, 0]));
  const started = performance.now();
  const reached: Record<string, number> = Object.fromEntries(inDatabase.map((p) => [p.name, 0]));
  let read = 0;
  let lastPosition: bigint | undefined;
  const progress = (done: boolean): RebuildProgress => {
    const seconds = (performance.now() - started) / 1000;
    return { read, total: Math.max(total, read), eventsPerSecond: seconds > 0 ? Math.round(read / seconds) : 0, folded: { ...folded }, reached: { ...reached }, done };
  };
  // Projections that fold in their database run beside the pass over the events for the others: the database's
  // CPU and this process's at once. Each says the position its database reached; `read` counts the pass's events,
  // or, without a pass, the furthest position a database reached.
  const foldingInDatabase = Promise.all(
    inDatabase.map((projection) =>
      projection.rebuildInDatabase!((position) => {
        reached[projection.name] = Number(position);
        if (given.length === 0) read = Math.max(read, Number(position));
        options.onProgress?.(progress(false));
      }).then((done) => ({ projection, done })),
    ),
  );
  // Reported after the pass if the pass fails first; not an unhandled rejection meanwhile.
  foldingInDatabase.catch(() => undefined);
  if (given.length > 0) {
    // One page read ahead: the store reads page n+1 while page n is folded and written (a durable projection's batch
    // commits meanwhile). One page ahead at most, so memory stays at two pages.
    let next: Promise<RecordedEvent[]> | undefined = store.readAll({ fromPosition: 'start', maxCount: pageSize });
    while (next) {
      const page: RecordedEvent[] = await next;
      read += page.length;
      if (page.length > 0) lastPosition = page[page.length - 1]!.position;
      next = page.length < pageSize ? undefined : store.readAll({ fromPosition: lastPosition! + 1n, maxCount: pageSize });
      // A fold that throws leaves the read ahead unawaited: its failure is not the one to report.
      next?.catch(() => undefined);
      for (const event of page) {
        for (const projection of given) {
          if (!projection.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) continue;
          try {
            await projection.apply(event);
          } catch (error) {
            throw new Error(`Projection '${projection.name}' failed on event ${event.position} (${event.type} of ${event.streamId}): ${error instanceof Error ? error.message : String(error)}`, {
              cause: error,
            });
          }
          folded[projection.name]! += 1;
        }
      }
      if (next) options.onProgress?.(progress(false));
    }
  }
  // Each projection is told where it itself stopped: the pass's last event, or its database's last range.
  for (const projection of given) await projection.rebuilt?.(lastPosition);
  for (const { projection, done } of await foldingInDatabase) {
    folded[projection.name] = done.folded;
    if (done.lastPosition !== undefined) reached[projection.name] = Number(done.lastPosition);
    await projection.rebuilt?.(done.lastPosition);
    if (done.lastPosition !== undefined && (lastPosition === undefined || done.lastPosition > lastPosition)) lastPosition = done.lastPosition;
    // Positions have no holes on the stores whose database folds: the position reached is the events passed.
    if (given.length === 0) read = Number(lastPosition ?? 0n);
  }
  options.onProgress?.(progress(true));
  return { events: read, lastPosition, elapsedMs: performance.now() - started, folded };
}

async function countEvents(store: EventStore, pageSize: number): Promise<number> {
  let count = 0;
  for (let from: bigint | 'start' = 'start'; ; ) {
    const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
    count += page.length;
    if (page.length < pageSize) return count;
    from = page[page.length - 1]!.position + 1n;
  }
}
