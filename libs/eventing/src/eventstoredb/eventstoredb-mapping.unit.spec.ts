import { StreamNotFoundError, UnavailableError, WrongExpectedVersionError } from '@kurrent/kurrentdb-client';
import { ConcurrencyError, EventStoreInputError } from '../errors';
import { isStreamNotFound, toConcurrencyError } from './client-errors';
import { toKurrentDbConnectionString } from './connection-string';
import { toEventData, toRecordedEvent, type ClientRecordedEvent } from './envelope';
import { toStreamState } from './expected-revision';
import { createEventStoreDbEventStore } from './eventstoredb-event-store';
import { bigIntToPosition, positionToBigInt } from './position';

const metadata = {
  correlationId: 'c-1',
  causationId: null,
  actor: 'user:ada',
  account: 'acme',
  occurredAt: '2024-05-01T10:00:00.000Z',
  traceId: 't-9',
};

describe('EventStoreDB adapter mapping', () => {
  it.each([
    ['no_stream', 'no_stream'],
    ['any', 'any'],
    ['stream_exists', 'stream_exists'],
    [0n, 0n],
    [41n, 41n],
  ] as const)('maps expected revision %p to the client stream state %p', (expected, state) => {
    expect(toStreamState(expected)).toBe(state);
  });

  it('maps a wrong expected version on a missing stream to ConcurrencyError with actual no_stream', () => {
    const error = new WrongExpectedVersionError(undefined, {
      streamName: 'pipeline-acme.web',
      expected: 3n,
      current: 'no_stream',
    });
    const mapped = toConcurrencyError(error, 'pipeline-acme.web', 3n);
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ streamId: 'pipeline-acme.web', expectedRevision: 3n, actualRevision: 'no_stream' });
  });

  it('keeps our expected revision and the actual revision in ConcurrencyError', () => {
    const error = new WrongExpectedVersionError(undefined, {
      streamName: 'execution-1',
      expected: 'no_stream',
      current: 7n,
    });
    expect(toConcurrencyError(error, 'execution-1', 'no_stream')).toMatchObject({
      expectedRevision: 'no_stream',
      actualRevision: 7n,
    });
  });

  it('leaves other errors alone', () => {
    expect(toConcurrencyError(new UnavailableError(), 's', 'any')).toBeUndefined();
    expect(toConcurrencyError(new Error('boom'), 's', 'any')).toBeUndefined();
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
  });

  it('writes the event id, type, JSON data and our metadata object as the event metadata', () => {
    const data = toEventData({
      id: '5f0c2b8e-8f1a-4d55-9a4e-0b3c1f6d2a10',
      type: 'PipelineCreated',
      data: JSON.stringify({ name: 'web', stages: 2 }),
      metadata: JSON.stringify(metadata),
    });
    expect(data).toEqual({
      id: '5f0c2b8e-8f1a-4d55-9a4e-0b3c1f6d2a10',
      contentType: 'application/json',
      type: 'PipelineCreated',
      data: { name: 'web', stages: 2 },
      metadata,
    });
  });

  it('reads the envelope back with the commit position as the position', () => {
    const stored: ClientRecordedEvent = {
      id: '5f0c2b8e-8f1a-4d55-9a4e-0b3c1f6d2a10',
      type: 'PipelineCreated',
      streamId: 'pipeline-acme.web',
      revision: 2n,
      data: { name: 'web' },
      metadata,
      position: { commit: 18_446_744_073_709_551_000n, prepare: 18_446_744_073_709_551_000n },
    };
    expect(toRecordedEvent(stored)).toEqual({
      id: stored.id,
      type: 'PipelineCreated',
      streamId: 'pipeline-acme.web',
      revision: 2n,
      position: 18_446_744_073_709_551_000n,
      data: { name: 'web' },
      metadata,
    });
  });

  it('reads missing or non-JSON metadata as an empty object, and refuses an event without position', () => {
    const base = { id: 'e', type: 't', streamId: 's', revision: 0n, data: {}, position: { commit: 1n, prepare: 1n } };
    expect(toRecordedEvent({ ...base, metadata: undefined }).metadata).toEqual({});
    expect(toRecordedEvent({ ...base, metadata: new Uint8Array([1, 2]) }).metadata).toEqual({});
    expect(() => toRecordedEvent({ ...base, metadata, position: undefined })).toThrow(/position/);
  });

  it('turns a position into one bigint and back', () => {
    expect(positionToBigInt({ commit: 1234n, prepare: 1234n })).toBe(1234n);
    expect(bigIntToPosition(1234n)).toEqual({ commit: 1234n, prepare: 1234n });
    expect(positionToBigInt(bigIntToPosition(0n))).toBe(0n);
  });

  it('hands the client the kurrentdb:// spelling of esdb:// connection strings', () => {
    expect(toKurrentDbConnectionString('esdb://localhost:2113?tls=false')).toBe('kurrentdb://localhost:2113?tls=false');
    expect(toKurrentDbConnectionString('esdb+discover://a:2113,b:2113')).toBe('kurrentdb+discover://a:2113,b:2113');
    expect(toKurrentDbConnectionString('kurrentdb://admin:changeit@h:2113')).toBe('kurrentdb://admin:changeit@h:2113');
    expect(() => toKurrentDbConnectionString('postgres://localhost/sluice')).toThrow(EventStoreInputError);
  });

  it('writes JSON data that is not an object as is', () => {
    const base = { id: '5f0c2b8e-8f1a-4d55-9a4e-0b3c1f6d2a10', type: 'T', metadata: '{}' };
    expect(toEventData({ ...base, data: '42' }).data).toBe(42);
    expect(toEventData({ ...base, data: 'null' }).data).toBeNull();
  });

  describe('input checked before anything reaches the server', () => {
    // Nothing listens there: every call below must be refused by validation, never by the network.
    const store = createEventStoreDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
    afterAll(() => store.close());
    const fieldOf = async (call: () => Promise<unknown> | unknown) => {
      try {
        await call();
      } catch (error) {
        return error instanceof EventStoreInputError ? error.field : `not an input error: ${String(error)}`;
      }
      return 'accepted';
    };
    const ok = { type: 'T', data: {} };

    it.each([
      ['an empty stream id', () => store.append('', [ok]), 'streamId'],
      ['a KurrentDB system stream', () => store.append('$stats-1', [ok]), 'streamId'],
      ['no events', () => store.append('s', []), 'events'],
      ['an empty event type', () => store.append('s', [ok, { type: '', data: {} }]), 'events[1].type'],
      ['an event id that is not a UUID', () => store.append('s', [{ ...ok, id: 'e-1' }]), 'events[0].id'],
      ['data JSON cannot hold', () => store.append('s', [{ type: 'T', data: { n: 1n } }]), 'events[0].data.n'],
      ['a negative expected revision', () => store.append('s', [ok], { expectedRevision: -1n }), 'expectedRevision'],
      ['a negative maxCount', () => store.readStream('s', { maxCount: -1 }), 'maxCount'],
      ['a bad readAll position', () => store.readAll({ fromPosition: -5n }), 'fromPosition'],
      ['no handler', () => store.subscribeToAll(undefined as never), 'handler'],
      ['an empty stream prefix', () => store.subscribeToAll(() => undefined, { streamPrefixes: [''] }), 'streamPrefixes[0]'],
      ['a bad stream revision', () => store.subscribeToStream('s', () => undefined, { fromRevision: -1n }), 'fromRevision'],
    ] as const)('refuses %s', async (_, call, field) => {
      expect(await fieldOf(call)).toBe(field);
    });

    it('reads nothing when asked for zero events', async () => {
      expect(await store.readStream('s', { maxCount: 0 })).toEqual([]);
      expect(await store.readAll({ maxCount: 0 })).toEqual([]);
    });

    it('subscribes to no stream at all with no prefix, like the other adapters', async () => {
      const subscription = store.subscribeToAll(() => undefined, { streamPrefixes: [] });
      await subscription.caughtUp;
      await subscription.stop();
      await expect(subscription.done).resolves.toBeUndefined();
    });

    it('refuses calls once closed', async () => {
      const closed = createEventStoreDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
      await closed.close();
      await expect(closed.readStream('s')).rejects.toThrow('The event store is closed');
      expect(() => closed.subscribeToStream('s', () => undefined)).toThrow('The event store is closed');
    });

    it('names a connection string it cannot use', () => {
      expect(() => createEventStoreDbEventStore({ connectionString: 'esdb//nowhere' })).toThrow(EventStoreInputError);
    });
  });
});
