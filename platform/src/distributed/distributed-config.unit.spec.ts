import { configProblemsOf } from '@sluice/runtime';
import { DEFAULT_DISTRIBUTED_STORE, loadDistributedConfig } from './distributed-config';

const variablesOf = (env: Record<string, string>): string[] => configProblemsOf(() => loadDistributedConfig(env, '/srv')).map((p) => p.variable);

describe('loadDistributedConfig', () => {
  it('defaults to the local PostgreSQL, a local Kafka broker, two engines, two workers, two gateways behind a balancer on 4000 and a projections process', () => {
    expect(loadDistributedConfig({}, '/srv')).toEqual({
      eventStore: DEFAULT_DISTRIBUTED_STORE,
      localPostgres: true,
      kafkaPort: 9092,
      port: 4000,
      engines: 2,
      workers: 2,
      gateways: 2,
      projections: 1,
      dataDir: '/srv/.sluice',
      artifactsDir: '/srv/.sluice/artifacts',
      logFormat: 'json',
    });
  });

  it('takes a given store, brokers and sizes', () => {
    expect(
      loadDistributedConfig(
        { SLUICE_EVENT_STORE: 'postgres://db/sluice', SLUICE_EVENT_STORE_SCHEMA: 'prod', SLUICE_KAFKA_BROKERS: 'k1:9092,k2:9092', SLUICE_ENGINES: '3', SLUICE_WORKERS: '4', SLUICE_GATEWAYS: '1', SLUICE_PROJECTIONS: '0', SLUICE_PORT: '8080', SLUICE_ARTIFACTS: '/mnt/artifacts', SLUICE_LOG_FORMAT: 'text' },
        '/srv',
      ),
    ).toMatchObject({ eventStore: 'postgres://db/sluice', eventStoreSchema: 'prod', localPostgres: false, kafkaBrokers: ['k1:9092', 'k2:9092'], engines: 3, workers: 4, gateways: 1, projections: 0, port: 8080, artifactsDir: '/mnt/artifacts', logFormat: 'text' });
  });

  it('refuses a folder store and names every bad variable at once', () => {
    expect(variablesOf({ SLUICE_EVENT_STORE: '/var/lib/events' })).toEqual(['SLUICE_EVENT_STORE']);
    expect(variablesOf({ SLUICE_KAFKA_BROKERS: 'nohost', SLUICE_ENGINES: '0', SLUICE_WORKERS: 'many', SLUICE_GATEWAYS: '17', SLUICE_PROJECTIONS: '-1', SLUICE_PORT: '99999', SLUICE_ARTIFACTS: 'rel', SLUICE_KAFKA_PORT: 'x' })).toEqual([
      'SLUICE_KAFKA_BROKERS',
      'SLUICE_KAFKA_PORT',
      'SLUICE_PORT',
      'SLUICE_ARTIFACTS',
      'SLUICE_ENGINES',
      'SLUICE_WORKERS',
      'SLUICE_GATEWAYS',
      'SLUICE_PROJECTIONS',
    ]);
  });
});
