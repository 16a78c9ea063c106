/** What the eventing benches share: the payload, timing, medians, the printed table, a throw-away PostgreSQL store. */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createPostgresEventStore, type PostgresEventStore } from '@sluice/eventing';
import { testPostgresUrl } from '@sluice/testing';

export const benchPostgresUrl = process.env.SLUICE_BENCH_POSTGRES_URL ?? testPostgresUrl();
export const rounds = Number(process.env.SLUICE_BENCH_ROUNDS ?? 3);

/** An event payload of ~250 bytes, the size of a typical action event. */
export const data = (n: number) => ({ pipeline: 'deploy-web', stage: 'Build', action: 'Compile', n, status: 'Succeeded', note: 'x'.repeat(100) });
export const seconds = (startedNs: bigint) => Number(process.hrtime.bigint() - startedNs) / 1e9;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

/** Collects one value per round for each named figure. */
export class Figures {
  private readonly values = new Map<string, number[]>();
  record(name: string, value: number): void {
    this.values.set(name, [...(this.values.get(name) ?? []), value]);
  }
  median(name: string): number | undefined {
    const values = this.values.get(name);
    return values ? median(values) : undefined;
  }
  print(title: string): void {
    console.log(`\n${title} (median of ${rounds} rounds)`);
    for (const [name, values] of this.values) {
      const value = median(values);
      console.log(`  ${name.padEnd(64)} ${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(2)}`);
    }
  }
}

/** A PostgreSQL store in a fresh schema, dropped by dispose(). */
export async function throwAwayPostgresStore(): Promise<{ store: PostgresEventStore; dispose(): Promise<void> }> {
  const schema = `sluice_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const store = await createPostgresEventStore({ connectionString: benchPostgresUrl, schema });
  return {
    store,
    async dispose() {
      await store.close();
      const client = new Client({ connectionString: benchPostgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    },
  };
}
