import { EventStoreInputError } from '../errors';
import { prepareAppend } from './prepare-append';

const now = new Date('2025-01-02T03:04:05.000Z');
const fieldOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EventStoreInputError);
    return (error as EventStoreInputError).field;
  }
  throw new Error('expected an EventStoreInputError');
};

describe('prepareAppend', () => {
  it('fills metadata defaults and serializes data', () => {
    const { events, expectedRevision } = prepareAppend('s-1', [{ type: 'A', data: { b: 1, a: [true, null] } }], undefined, now);
    expect(expectedRevision).toBe('any');
    const [e] = events;
    expect(JSON.parse(e!.data)).toEqual({ b: 1, a: [true, null] });
    expect(JSON.parse(e!.metadata)).toEqual({ correlationId: e!.id, causationId: null, actor: 'system', account: '', occurredAt: now.toISOString() });
  });

  it('keeps given metadata, extra keys included, and lower-cases ids', () => {
    const id = 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE';
    const metadata = { correlationId: 'c', causationId: 'k', actor: 'ada', account: 'acme', occurredAt: '2020-01-01T00:00:00Z', ip: '::1' };
    const [e] = prepareAppend('s', [{ id, type: 'A', data: 1, metadata }], { expectedRevision: 3n }, now).events;
    expect(e!.id).toBe(id.toLowerCase());
    expect(JSON.parse(e!.metadata)).toEqual(metadata);
  });

  it('omits undefined object properties as JSON does, and accepts toJSON values', () => {
    const [e] = prepareAppend('s', [{ type: 'A', data: { a: undefined, at: new Date(0) } }], undefined, now).events;
    expect(e!.data).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });

  const circular: { self?: unknown } = {};
  circular.self = circular;
  it.each<[string, unknown, unknown, unknown, string]>([
    ['empty stream id', '', [{ type: 'A', data: 1 }], undefined, 'streamId'],
    ['stream id with NUL', 'a\u0000b', [{ type: 'A', data: 1 }], undefined, 'streamId'],
    ['stream id with a lone surrogate', 'a\ud800', [{ type: 'A', data: 1 }], undefined, 'streamId'],
    ['too long stream id', 'x'.repeat(1025), [{ type: 'A', data: 1 }], undefined, 'streamId'],
    ['non-array events', 's', 'nope', undefined, 'events'],
    ['no events', 's', [], undefined, 'events'],
    ['null event', 's', [null], undefined, 'events[0]'],
    ['missing type', 's', [{ type: 'A', data: 1 }, { data: 1 }], undefined, 'events[1].type'],
    ['bad id', 's', [{ id: 'not-a-uuid', type: 'A', data: 1 }], undefined, 'events[0].id'],
    ['nested function', 's', [{ type: 'A', data: { x: [1, () => 1] } }], undefined, 'events[0].data.x[1]'],
    ['nested bigint', 's', [{ type: 'A', data: { 'odd key': 1n } }], undefined, 'events[0].data["odd key"]'],
    ['NaN', 's', [{ type: 'A', data: { n: NaN } }], undefined, 'events[0].data.n'],
    ['undefined in an array', 's', [{ type: 'A', data: [undefined] }], undefined, 'events[0].data[0]'],
    ['a Map', 's', [{ type: 'A', data: new Map() }], undefined, 'events[0].data'],
    ['circular', 's', [{ type: 'A', data: circular }], undefined, 'events[0].data.self'],
    ['symbol', 's', [{ type: 'A', data: Symbol('x') }], undefined, 'events[0].data'],
    ['metadata not an object', 's', [{ type: 'A', data: 1, metadata: 'x' }], undefined, 'events[0].metadata'],
    ['actor not a string', 's', [{ type: 'A', data: 1, metadata: { actor: 1 } }], undefined, 'events[0].metadata.actor'],
    ['occurredAt not a date', 's', [{ type: 'A', data: 1, metadata: { occurredAt: 'soon' } }], undefined, 'events[0].metadata.occurredAt'],
    ['metadata extra not JSON', 's', [{ type: 'A', data: 1, metadata: { n: 1n } }], undefined, 'events[0].metadata.n'],
    ['repeated id', 's', [{ id: '11111111-1111-4111-8111-111111111111', type: 'A', data: 1 }, { id: '11111111-1111-4111-8111-111111111111', type: 'B', data: 1 }], undefined, 'events[1].id'],
    ['unknown expected revision', 's', [{ type: 'A', data: 1 }], { expectedRevision: 'sometimes' }, 'expectedRevision'],
    ['negative expected revision', 's', [{ type: 'A', data: 1 }], { expectedRevision: -5n }, 'expectedRevision'],
    ['number expected revision', 's', [{ type: 'A', data: 1 }], { expectedRevision: 5 }, 'expectedRevision'],
  ])('refuses %s', (_, streamId, events, options, field) => {
    expect(fieldOf(() => prepareAppend(streamId, events, options as never, now))).toBe(field);
  });

  it('accepts shared (non-circular) references', () => {
    const shared = { a: 1 };
    expect(() => prepareAppend('s', [{ type: 'A', data: { x: shared, y: shared } }], undefined, now)).not.toThrow();
  });
});
