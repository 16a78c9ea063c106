import { loadTriggersConfig, pollIntervalFromEnv } from './triggers-config';

const SECRET = 'x'.repeat(32);

describe('the triggers process settings', () => {
  it('reads the executions URLs, the secret, the port, the poll interval and where the webhook secrets are', () => {
    expect(
      loadTriggersConfig({
        SLUICE_EXECUTIONS_URLS: 'http://127.0.0.1:4100/graphql, http://127.0.0.1:4101/graphql',
        SLUICE_INTERNAL_SECRET: SECRET,
        SLUICE_PORT: '0',
        SLUICE_POLL_INTERVAL_MS: '5000',
        SLUICE_DATA_DIR: '/var/lib/sluice',
      }),
    ).toEqual({
      port: 0,
      host: '127.0.0.1',
      executionsUrls: ['http://127.0.0.1:4100/graphql', 'http://127.0.0.1:4101/graphql'],
      internalSecret: SECRET,
      pollIntervalMs: 5000,
      secretsFile: '/var/lib/sluice/webhook-secrets.json',
    });
  });

  it('names every bad variable at once', () => {
    let message = '';
    try {
      loadTriggersConfig({ SLUICE_EXECUTIONS_URLS: 'http://127.0.0.1:4100', SLUICE_INTERNAL_SECRET: 'short', SLUICE_POLL_INTERVAL_MS: '10', SLUICE_PORT: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SLUICE_PORT: 'x' is not a port number/);
    expect(message).toMatch(/SLUICE_EXECUTIONS_URLS: 'http:\/\/127\.0\.0\.1:4100' is not an http\(s\) URL ending in \/graphql/);
    expect(message).toMatch(/SLUICE_INTERNAL_SECRET: /);
    expect(message).toMatch(/SLUICE_POLL_INTERVAL_MS: expected a whole number of milliseconds from 1000/);
    expect(() => loadTriggersConfig({ SLUICE_INTERNAL_SECRET: SECRET })).toThrow(/SLUICE_EXECUTIONS_URLS: not set/);
  });

  it('takes a poll interval from one second to one day', () => {
    expect(pollIntervalFromEnv({})).toBe(60_000);
    expect(pollIntervalFromEnv({ SLUICE_POLL_INTERVAL_MS: '1000' })).toBe(1000);
    expect(() => pollIntervalFromEnv({ SLUICE_POLL_INTERVAL_MS: '999' })).toThrow(/^SLUICE_POLL_INTERVAL_MS: /);
    expect(() => pollIntervalFromEnv({ SLUICE_POLL_INTERVAL_MS: '1e4' })).toThrow(/^SLUICE_POLL_INTERVAL_MS: /);
  });
});
