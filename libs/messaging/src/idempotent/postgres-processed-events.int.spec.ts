import { testPostgresUrl } from '@sluice/testing';
import { Pool } from 'pg';
import { createPostgresProcessedEvents } from './postgres-processed-events';
import { processedEventsContract } from './processed-events.contract';

const schema = `processed_${process.pid}_${Date.now()}`;
const raceSchema = `${schema}_race`;

processedEventsContract('postgres', (consumer) => createPostgresProcessedEvents({ connectionString: testPostgresUrl(), schema, consumer }));

describe('postgres processed events, created by several processes at once', () => {
  it('creates the schema and table once when eight stores open together on a new schema', async () => {
    // Eight pools stand for eight processes starting together (the distributed mode starts two engine instances at once).
    const stores = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => createPostgresProcessedEvents({ connectionString: testPostgresUrl(), schema: raceSchema, consumer: `c${i}` })),
    );
    const failures = stores.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => String(s.reason));
    for (const s of stores) if (s.status === 'fulfilled') await s.value.close();
    expect(failures).toEqual([]);
  });
});

afterAll(async () => {
  const pool = new Pool({ connectionString: testPostgresUrl() });
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.query(`drop schema if exists "${raceSchema}" cascade`);
  await pool.end();
});
