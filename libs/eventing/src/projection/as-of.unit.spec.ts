import type { RecordedEvent } from '../event-store';
import { AsOfCutoff, parseInstant, streamAsOf } from './as-of';

let position = 0n;
const event = (streamId: string, occurredAt: string): RecordedEvent => {
  position += 1n;
  return {
    id: `e${position}`,
    type: 'Happened',
    streamId,
    revision: position,
    position,
    data: {},
    metadata: { correlationId: 'c', causationId: null, actor: 'a', account: 'acme', occurredAt },
  };
};

describe('parseInstant', () => {
  it.each(['2026-01-02T03:04:05Z', '2026-01-02T03:04:05.123Z', '2026-01-02T05:04:05+02:00', '2026-01-02T03:04Z', '2026-01-02T03:04:05.123456789Z', '2028-02-29T00:00:00Z'])('accepts %s', (value) => {
    const parsed = parseInstant(value);
    expect(parsed.ok).toBe(true);
  });

  it('reads an offset as the instant it names', () => {
    const parsed = parseInstant('2026-01-02T05:04:05+02:00');
    expect(parsed.ok && parsed.instant.toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });

  it.each([['yesterday'], ['2026-01-02'], ['2026-01-02T03:04:05'], ['2026-02-30T00:00:00Z'], ['2026-04-31T10:00:00Z'], ['2026-01-01T24:00:00Z'], ['2026-01-01T10:60:00Z'], ['2026-13-01T00:00:00Z'], [''], [42], [null]])('refuses %p, saying what is expected', (value) => {
    const parsed = parseInstant(value);
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/ISO-8601 instant|not a valid instant/) });
  });
});

describe('AsOfCutoff', () => {
  it('keeps events up to and including the instant', () => {
    const stream = [event('s-1', '2026-01-01T00:00:00.000Z'), event('s-1', '2026-01-01T00:01:00.000Z'), event('s-1', '2026-01-01T00:02:00.000Z')];
    expect(streamAsOf(stream, new Date('2026-01-01T00:01:00.000Z')).map((e) => e.id)).toEqual([stream[0]!.id, stream[1]!.id]);
    expect(streamAsOf(stream, new Date('2025-12-31T23:59:59.999Z'))).toEqual([]);
  });

  it('cuts each stream at its first event after the instant, even if a later one carries an earlier clock', () => {
    const cutoff = new AsOfCutoff(new Date('2026-01-01T00:01:00.000Z'));
    const a1 = event('a', '2026-01-01T00:00:00.000Z');
    const a2 = event('a', '2026-01-01T00:01:30.000Z');
    const b1 = event('b', '2026-01-01T00:00:30.000Z');
    const a3 = event('a', '2026-01-01T00:00:59.000Z'); // a skewed writer
    expect([a1, a2, b1, a3].map((e) => cutoff.accepts(e))).toEqual([true, false, true, false]);
  });

  it('says when a scan may stop: an event later than the instant plus the skew', () => {
    const cutoff = new AsOfCutoff(new Date('2026-01-01T00:00:00.000Z'));
    expect(cutoff.beyondHorizon(event('a', '2026-01-01T00:01:00.000Z'), 60_000)).toBe(false);
    expect(cutoff.beyondHorizon(event('a', '2026-01-01T00:01:00.001Z'), 60_000)).toBe(true);
  });
});
