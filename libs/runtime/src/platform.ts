import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryCheckpointStore } from '@sluice/eventing';
import { startEventRelay, type EventRelay } from '@sluice/messaging';
import { openBus, openEventStore, type OpenedEventStore } from './open-adapters';
import type { RuntimeConfig } from './runtime-config';

/**
 * What exists of the platform before the gateway: the event store, the bus and the relay between
 * them, with a small HTTP surface to see they work — `/health` and `/events` (the history, for
 * audit replay). The GraphQL gateway and the dashboard replace this surface in their own issue.
 */
export interface Platform {
  url: string;
  eventStore: OpenedEventStore;
  stop(): Promise<void>;
}

const RELAY_ID = 'platform-relay';

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(json(body));
}

function parseBigInt(value: string | null, name: string): bigint | undefined {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw new RangeError(`query parameter '${name}' must be a non-negative integer, got '${value}'`);
  return BigInt(value);
}

export async function startPlatform(config: RuntimeConfig, log: (line: string) => void = console.log): Promise<Platform> {
  const eventStore = await openEventStore(config.eventStore);
  const { bus, description: busDescription } = openBus(config.bus);
  let relay: EventRelay;
  try {
    relay = await startEventRelay({
      store: eventStore.store,
      // The in-process bus forgets its messages when the process ends, so a relay into it must start
      // from the beginning each time (consumers dedupe); only a durable bus may resume from a stored checkpoint.
      checkpoints: config.bus.kind === 'in-process' ? new InMemoryCheckpointStore() : eventStore.checkpoints,
      bus,
      subscriberId: RELAY_ID,
      onError: (error, during) => log(`relay: ${during} failed, retrying: ${error instanceof Error ? error.message : String(error)}`),
    });
  } catch (error) {
    await bus.close();
    await eventStore.store.close();
    throw error;
  }

  const routes: Record<string, (url: URL) => Promise<unknown>> = {
    '/health': async () => ({
      status: 'ok',
      eventStore: eventStore.description,
      bus: busDescription,
      // The relay follows the store live, so once caught up this is the newest event's position.
      relayedPosition: relay.publishedPosition ?? null,
    }),
    '/events': async (url) => {
      const fromPosition = parseBigInt(url.searchParams.get('fromPosition'), 'fromPosition') ?? 'start';
      const maxCount = Number(parseBigInt(url.searchParams.get('maxCount'), 'maxCount') ?? 100n);
      if (maxCount > 10_000) throw new RangeError(`query parameter 'maxCount' must be at most 10000, got ${maxCount}`);
      return { events: await eventStore.store.readAll({ fromPosition, maxCount }) };
    },
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[url.pathname];
    if (!route || req.method !== 'GET') return send(res, 404, { error: `no route ${req.method} ${url.pathname}; try /health or /events` });
    route(url).then(
      (body) => send(res, 200, body),
      (error: unknown) => send(res, error instanceof RangeError ? 400 : 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  });
  await listen(server, config.port);
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  log(`Sluice is running at ${url} — event store: ${eventStore.description}; bus: ${busDescription}; relay → bus running.`);
  log(`  ${url}/health   ${url}/events?fromPosition=0&maxCount=100`);

  return {
    url,
    eventStore,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.stop();
      await bus.close();
      await eventStore.store.close();
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`SLUICE_PORT: port ${port} is already in use; set SLUICE_PORT to another port`) : error),
    );
    server.listen(port, resolve);
  });
}
