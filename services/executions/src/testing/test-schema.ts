import { randomUUID } from 'node:crypto';
import { testPostgresUrl } from '@sluice/testing';
import { Client } from 'pg';

/** A fresh PostgreSQL schema name for one test file's event store. */
export function newTestSchema(): string {
  return `executions_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

export async function dropTestSchema(schema: string): Promise<void> {
  const client = new Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
