import type { DeliveredMessage } from '../bus';
import { EVENT_HEADERS } from '../relay/event-message';
import { idempotentHandler, MissingEventIdError } from './idempotent-handler';
import { InMemoryProcessedEvents } from './in-memory-processed-events';

const message = (overrides: Partial<DeliveredMessage>): DeliveredMessage => ({
  topic: 't',
  key: 'k',
  value: null,
  headers: {},
  partition: 0,
  offset: '0',
  attempt: 1,
  ...overrides,
});

describe('idempotentHandler', () => {
  it('processes an event once however often it is delivered, by header or by value id', async () => {
    const processed: string[] = [];
    const handle = idempotentHandler((m) => void processed.push(m.offset), new InMemoryProcessedEvents());
    await handle(message({ offset: '1', headers: { [EVENT_HEADERS.id]: 'e1' } }));
    await handle(message({ offset: '2', headers: { [EVENT_HEADERS.id]: 'e1' } }));
    await handle(message({ offset: '3', value: { id: 'e2' } }));
    await handle(message({ offset: '4', value: { id: 'e2' } }));
    await handle(message({ offset: '5', headers: { [EVENT_HEADERS.id]: 'e3' } }));
    expect(processed).toEqual(['1', '3', '5']);
  });

  it('records an event only after the handler succeeded, so a failed one is processed on redelivery', async () => {
    let calls = 0;
    const handle = idempotentHandler(() => {
      calls += 1;
      if (calls === 1) throw new Error('database down');
    }, new InMemoryProcessedEvents());
    const delivery = message({ headers: { [EVENT_HEADERS.id]: 'e1' } });
    await expect(handle(delivery)).rejects.toThrow('database down');
    await handle(delivery);
    await handle(delivery);
    expect(calls).toBe(2);
  });

  it('refuses a message that carries no event id', async () => {
    const handle = idempotentHandler(() => undefined, new InMemoryProcessedEvents());
    await expect(handle(message({ value: { no: 'id' } }))).rejects.toThrow(MissingEventIdError);
  });
});
