import { ConfigError, loadRuntimeConfig } from './runtime-config';

describe('loadRuntimeConfig', () => {
  it('defaults to the embedded store, the in-process bus and port 4000', () => {
    expect(loadRuntimeConfig({})).toEqual({
      dataDir: './.sluice',
      eventStore: { kind: 'embedded', dataDir: './.sluice/events' },
      bus: { kind: 'in-process' },
      port: 4000,
    });
  });

  it('keeps the embedded store under SLUICE_DATA_DIR', () => {
    expect(loadRuntimeConfig({ SLUICE_DATA_DIR: '/srv/sluice/' })).toMatchObject({
      dataDir: '/srv/sluice/',
      eventStore: { kind: 'embedded', dataDir: '/srv/sluice/events' },
    });
  });

  it.each([
    ['/var/lib/sluice-events', { kind: 'embedded', dataDir: '/var/lib/sluice-events' }],
    ['postgres://u@db/sluice', { kind: 'postgres', connectionString: 'postgres://u@db/sluice', schema: 'sluice' }],
  ])('lets SLUICE_EVENT_STORE=%s override the store of SLUICE_DATA_DIR', (value, expected) => {
    const config = loadRuntimeConfig({ SLUICE_DATA_DIR: '/srv/sluice', SLUICE_EVENT_STORE: value });
    expect(config.dataDir).toBe('/srv/sluice');
    expect(config.eventStore).toEqual(expected);
  });

  it.each([
    ['postgres://u@db:5432/sluice', { kind: 'postgres', connectionString: 'postgres://u@db:5432/sluice', schema: 'sluice' }],
    ['esdb://localhost:2113?tls=false', { kind: 'eventstoredb', connectionString: 'esdb://localhost:2113?tls=false' }],
    ['kurrentdb+discover://a:2113', { kind: 'eventstoredb', connectionString: 'kurrentdb+discover://a:2113' }],
    ['/var/lib/sluice', { kind: 'embedded', dataDir: '/var/lib/sluice' }],
  ])('reads SLUICE_EVENT_STORE=%s', (value, expected) => {
    expect(loadRuntimeConfig({ SLUICE_EVENT_STORE: value }).eventStore).toEqual(expected);
  });

  it('reads Kafka brokers', () => {
    expect(loadRuntimeConfig({ SLUICE_KAFKA_BROKERS: 'a:9092, 127.0.0.1:9093' }).bus).toEqual({
      kind: 'kafka',
      brokers: ['a:9092', '127.0.0.1:9093'],
      clientId: 'sluice',
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadRuntimeConfig({ SLUICE_EVENT_STORE: 'mysql://x', SLUICE_KAFKA_BROKERS: 'a:9092,nohost', SLUICE_PORT: '70000' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['SLUICE_EVENT_STORE', 'SLUICE_KAFKA_BROKERS', 'SLUICE_PORT']);
    expect((error as ConfigError).message).toContain("SLUICE_KAFKA_BROKERS: not host:port: 'nohost'");
  });

  it('refuses a schema name that is not an identifier', () => {
    expect(() => loadRuntimeConfig({ SLUICE_EVENT_STORE: 'postgres://x/db', SLUICE_EVENT_STORE_SCHEMA: 'a;drop' })).toThrow(/SLUICE_EVENT_STORE_SCHEMA/);
  });
});
