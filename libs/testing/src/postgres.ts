import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Client } from 'pg';

/** The PostgreSQL server tests use; override with SLUICE_TEST_POSTGRES_URL. */
export const testPostgresUrl = (): string =>
  process.env.SLUICE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Checks the local PostgreSQL answers; if not, starts the machine's cluster with pg_ctlcluster
 * (as infra/postgres/ensure.sh does) and waits for it. Throws with the command to run by hand.
 */
export async function ensurePostgres(url = testPostgresUrl()): Promise<void> {
  if (await answers(url)) return;
  let versions: string[] = [];
  try {
    versions = readdirSync('/etc/postgresql');
  } catch {
    /* no Debian cluster here */
  }
  if (versions.length > 0 && !process.env.SLUICE_TEST_POSTGRES_URL) {
    try {
      execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0]!, 'main', 'start'], { stdio: 'inherit' });
    } catch {
      /* reported below if it still does not answer */
    }
    for (let i = 0; i < 30; i++) {
      if (await answers(url)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(
    `PostgreSQL does not answer at ${url}. Start it (Debian: pg_ctlcluster --skip-systemctl-redirect <version> main start) or set SLUICE_TEST_POSTGRES_URL.`,
  );
}

/** A fresh schema name for one test file's event store on the test server, e.g. `pipelines_test_3f9c…`. */
export function newTestSchema(prefix: string): string {
  return `${prefix}_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** Drops a test schema and everything in it; a test file calls it in afterAll. */
export async function dropTestSchema(schema: string, url = testPostgresUrl()): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
