import type { EventStore, RecordedEvent } from '../event-store';

/**
 * Time travel (docs/decisions/0022): the state as of an instant is the fold of each stream's longest
 * prefix whose events occurred at or before it. A prefix, not a filter: a stream's state after an
 * event it never saw the predecessor of is a state the stream was never in, so the first event after
 * the instant closes its stream, even if a later one carries an earlier (skewed) clock.
 */
export class AsOfCutoff {
  private readonly closed = new Set<string>();
  readonly atMs: number;

  constructor(readonly at: Date) {
    this.atMs = at.getTime();
  }

  /** True if the event belongs to the state as of the instant (call it in each stream's order). */
  accepts(event: RecordedEvent): boolean {
    if (this.closed.has(event.streamId)) return false;
    if (Date.parse(event.metadata.occurredAt) <= this.atMs) return true;
    this.closed.add(event.streamId);
    return false;
  }

  /**
   * True once an event occurred so long after the instant that no later event of the store can have
   * occurred before it (the clocks of the writers agree within `skewMs`): a scan of `$all` may stop there.
   */
  beyondHorizon(event: RecordedEvent, skewMs: number): boolean {
    return Date.parse(event.metadata.occurredAt) > this.atMs + skewMs;
  }
}

/** The events of one stream (in revision order) that its state as of `at` is folded from. */
export function streamAsOf(events: readonly RecordedEvent[], at: Date): RecordedEvent[] {
  const cutoff = new AsOfCutoff(at);
  const kept: RecordedEvent[] = [];
  for (const event of events) {
    if (!cutoff.accepts(event)) break;
    kept.push(event);
  }
  return kept;
}

export type ParsedInstant = { ok: true; instant: Date } | { ok: false; reason: string };

// ISO-8601 instants with a zone: 2026-01-02T03:04:05Z, …05.123Z, …05+02:00. A date alone or a local time is ambiguous.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** An `at` argument: an ISO-8601 instant with its zone, e.g. 2026-01-02T03:04:05.000Z. */
export function parseInstant(value: unknown): ParsedInstant {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) {
    return { ok: false, reason: `must be an ISO-8601 instant with a zone, e.g. 2026-01-02T03:04:05.000Z; got ${JSON.stringify(value)}` };
  }
  const [, year, month, day, hour, minute, , second = '0', , , offsetHours = '0', offsetMinutes = '0'] = ISO_INSTANT.exec(value)!;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const instant = new Date(value);
  // Date would roll 2026-02-30 over to March 2nd: a day or time out of range is a typo, not an instant.
  const inRange =
    Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth &&
    Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 && Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59;
  if (!inRange || Number.isNaN(instant.getTime())) return { ok: false, reason: `is not a valid instant: ${JSON.stringify(value)}` };
  return { ok: true, instant };
}

/**
 * One pass over the events of the streams with these prefixes (filtered by the store, so other streams are
 * never read), from the first to the head as it was at the call, in position order; `onEvent` returning
 * 'stop' ends it early. For as-of folds that span several streams (docs/decisions/0022).
 */
export async function scanStreams(store: EventStore, streamPrefixes: string[], onEvent: (event: RecordedEvent) => 'continue' | 'stop'): Promise<void> {
  let ended = false;
  let stopEarly!: () => void;
  const early = new Promise<void>((resolve) => (stopEarly = resolve));
  const subscription = store.subscribeToAll(
    (event) => {
      if (ended) return;
      if (onEvent(event) === 'stop') {
        ended = true;
        stopEarly();
      }
    },
    { fromPosition: 'start', streamPrefixes },
  );
  try {
    await Promise.race([subscription.caughtUp, early, subscription.done]);
  } finally {
    ended = true;
    await subscription.stop();
  }
}
