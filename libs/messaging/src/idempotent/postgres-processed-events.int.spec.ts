import { testPostgresUrl } from '@sluice/testing';
import { Pool } from 'pg';
import { createPostgresProcessedEvents } from './postgres-processed-events';
import { processedEventsContract } from './processed-events.contract';

const schema = `processed_${process.pid}_${Date.now()}`;

processedEventsContract('postgres', (consumer) => createPostgresProcessedEvents({ connectionString: testPostgresUrl(), schema, consumer }));

afterAll(async () => {
  const pool = new Pool({ connectionString: testPostgresUrl() });
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});
