import { createServer } from 'node:net';
import { createPostgresEventStore } from '@sluice/eventing';
import { dropTestSchema, newTestSchema, testPostgresUrl } from '@sluice/testing';
import { busCheck, checkReadiness, eventStoreCheck } from './readiness';

const schema = newTestSchema('readiness');
afterAll(() => dropTestSchema(schema));

/** A port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('checkReadiness', () => {
  it('reports a reachable PostgreSQL store and a Kafka broker as up', async () => {
    const brokers = process.env.SLUICE_TEST_KAFKA_BROKERS;
    if (!brokers) throw new Error('SLUICE_TEST_KAFKA_BROKERS is not set: run without SLUICE_TEST_KAFKA=skip');
    const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
    try {
      const report = await checkReadiness({ store: eventStoreCheck(store), bus: busCheck({ kind: 'kafka', brokers: brokers.split(','), clientId: 'readiness-test' }) });
      expect(report).toEqual({ ready: true, checks: { store: 'up', bus: 'up' } });
    } finally {
      await store.close();
    }
  });

  it('names what is down: a closed store, a broker nobody answers for, a check that hangs', async () => {
    const store = await createPostgresEventStore({ connectionString: testPostgresUrl(), schema });
    await store.close();
    const started = Date.now();
    const report = await checkReadiness(
      {
        store: eventStoreCheck(store),
        bus: busCheck({ kind: 'kafka', brokers: [`127.0.0.1:${await closedPort()}`], clientId: 'readiness-test' }, 500),
        inProcessBus: busCheck({ kind: 'in-process' }),
        hung: () => new Promise<void>(() => undefined),
      },
      1_000,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.ready).toBe(false);
    expect(report.checks.inProcessBus).toBe('up');
    expect(report.checks.hung).toBe('no answer within 1000 ms');
    expect(report.checks.store).not.toBe('up');
    expect(report.checks.bus).not.toBe('up');
  });
});
