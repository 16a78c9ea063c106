import { join } from 'node:path';
import { startKafkaBroker, type KafkaBroker } from '@sluice/testing';
import type { TopologyOptions } from '../../platform/src/distributed/topology';
import { benchPostgresUrl } from '../eventing/bench-kit';

/** A distributed bench's Kafka: SLUICE_BENCH_KAFKA=host:port[,…] when set, else a throw-away broker (`broker`, to destroy after). */
export async function benchKafka(): Promise<{ brokers: string[]; broker?: KafkaBroker }> {
  if (process.env.SLUICE_BENCH_KAFKA) return { brokers: process.env.SLUICE_BENCH_KAFKA.split(',') };
  const broker = await startKafkaBroker();
  return { brokers: broker.brokers, broker };
}

/** What every distributed bench starts its topology on: the bench's PostgreSQL in `schema`, its own topics, its folders under `dir`. */
export function benchTopologyOptions(schema: string, brokers: string[], dir: string): TopologyOptions {
  return {
    inheritedEnv: process.env,
    eventStore: benchPostgresUrl,
    eventStoreSchema: schema,
    kafkaBrokers: brokers,
    topicPrefix: `bench.${schema}`,
    artifactsDir: join(dir, 'artifacts'),
    dataDir: join(dir, 'data'),
  };
}
