import { randomBytes } from 'node:crypto';
import { aesGcmMasterKeyCipher, configProblemsOf } from '@sluice/runtime';
import { gatewaySettingsFrom, loadGatewayConfig } from './gateway-config';
import { DEFAULT_GATEWAY_LIMITS } from './limits/limits-config';
import { DEFAULT_WEB_DIR } from './static/dashboard-files';

const SECRET = 's'.repeat(32);
/** A gateway's environment with nothing wrong in it: each test changes one thing. */
const VALID = { SLUICE_SUBGRAPHS: 'pipelines=http://p/graphql,permissions=http://q/graphql', SLUICE_INTERNAL_SECRET: SECRET };

const problemsOf = (env: Record<string, string>, load: (env: Record<string, string>) => unknown = loadGatewayConfig) => configProblemsOf(() => load(env));

describe('loadGatewayConfig', () => {
  it('reads the subgraphs as name=url pairs and the port', () => {
    const config = loadGatewayConfig({ ...VALID, SLUICE_SUBGRAPHS: ' pipelines=http://127.0.0.1:4101/graphql , permissions=https://x.example/graphql', SLUICE_PORT: '4100' });
    expect(config.subgraphs).toEqual([
      { name: 'pipelines', url: 'http://127.0.0.1:4101/graphql' },
      { name: 'permissions', url: 'https://x.example/graphql' },
    ]);
    expect(config.port).toBe(4100);
  });

  it('reads several instances of one subgraph as name=url|url, asked in that order', () => {
    const config = loadGatewayConfig({ ...VALID, SLUICE_SUBGRAPHS: 'executions=http://e1/graphql | http://e2/graphql,permissions=http://q/graphql' });
    expect(config.subgraphs).toEqual([
      { name: 'executions', url: 'http://e1/graphql', instances: ['http://e1/graphql', 'http://e2/graphql'] },
      { name: 'permissions', url: 'http://q/graphql' },
    ]);
  });

  it('defaults the port to 4000, the store to the data folder, the bus to in-process, the settings to theirs, and no webhook route', () => {
    expect(loadGatewayConfig(VALID)).toEqual({
      subgraphs: [
        { name: 'pipelines', url: 'http://p/graphql' },
        { name: 'permissions', url: 'http://q/graphql' },
      ],
      port: 4000,
      runtime: { dataDir: './.sluice', eventStore: { kind: 'embedded', dataDir: './.sluice/events' }, bus: { kind: 'in-process' }, port: 4000 },
      internalSecret: SECRET,
      limits: DEFAULT_GATEWAY_LIMITS,
      webDir: DEFAULT_WEB_DIR,
      auditReads: true,
      webhookUrls: [],
      logs: { kind: 'filesystem', root: '.sluice/logs' },
      masterKeyCipher: { seal: expect.any(Function), open: expect.any(Function) },
    });
  });

  it('seals the sessions with the master key of SLUICE_ACCESS_KEY_MASTER_KEY (what every gateway shares), and names a bad one', async () => {
    const key = randomBytes(32);
    const sealed = await loadGatewayConfig({ ...VALID, SLUICE_ACCESS_KEY_MASTER_KEY: key.toString('base64') }).masterKeyCipher.seal('tok', 'browser-session:x');
    expect(await aesGcmMasterKeyCipher(key).open(sealed, 'browser-session:x')).toBe('tok');
    await expect(loadGatewayConfig({ ...VALID, SLUICE_ACCESS_KEY_MASTER_KEY: 'short' }).masterKeyCipher.seal('tok', 'b')).rejects.toThrow(/SLUICE_ACCESS_KEY_MASTER_KEY: the master key must be 32 bytes/);
  });

  it('reads the text of action logs where SLUICE_LOGS says, and names a bad one', () => {
    expect(loadGatewayConfig({ ...VALID, SLUICE_LOGS: 's3://sluice?region=eu-west-1' }).logs).toEqual({ kind: 's3', bucket: 'sluice', region: 'eu-west-1' });
    expect(() => loadGatewayConfig({ ...VALID, SLUICE_LOGS: 'ftp://logs' })).toThrow(/SLUICE_LOGS/);
  });

  it('reads the store, the bus, the limits, SLUICE_AUDIT_READS and the triggers URLs', () => {
    const config = loadGatewayConfig({
      ...VALID,
      SLUICE_EVENT_STORE: 'postgres://db/sluice',
      SLUICE_KAFKA_BROKERS: 'k:9092',
      SLUICE_RATE_LIMIT_PER_ADDRESS: '7',
      SLUICE_AUDIT_READS: 'false',
      SLUICE_WEBHOOK_URLS: 'http://127.0.0.1:4100, http://127.0.0.1:4101/',
    });
    expect(config.runtime.eventStore).toEqual({ kind: 'postgres', connectionString: 'postgres://db/sluice', schema: 'sluice' });
    expect(config.runtime.bus).toEqual({ kind: 'kafka', brokers: ['k:9092'], clientId: 'sluice' });
    expect(config.limits.perAddress.perSecond).toBe(7);
    expect(config.auditReads).toBe(false);
    expect(config.webhookUrls).toEqual(['http://127.0.0.1:4100', 'http://127.0.0.1:4101']);
  });

  it.each([
    [{ SLUICE_SUBGRAPHS: '' }, /SLUICE_SUBGRAPHS: not set/],
    [{ SLUICE_SUBGRAPHS: 'http://127.0.0.1:4101/graphql' }, /SLUICE_SUBGRAPHS: 'http:\/\/127.0.0.1:4101\/graphql' is not name=url/],
    [{ SLUICE_SUBGRAPHS: 'pipelines=127.0.0.1:4101' }, /SLUICE_SUBGRAPHS: the url of 'pipelines' is not an http\(s\) URL/],
    [{ SLUICE_SUBGRAPHS: 'a=http://x/graphql,a=http://y/graphql' }, /SLUICE_SUBGRAPHS: 'a' is named twice/],
    [{ SLUICE_SUBGRAPHS: 'a=http://x/graphql|y:4102' }, /SLUICE_SUBGRAPHS: the url of 'a' is not an http\(s\) URL: 'y:4102'/],
    [{ SLUICE_SUBGRAPHS: 'a=http://x/graphql|http://x/graphql' }, /SLUICE_SUBGRAPHS: 'a' names one instance twice/],
    [{ SLUICE_SUBGRAPHS: 'pipelines=http://p/graphql' }, /SLUICE_SUBGRAPHS: names no 'permissions' subgraph; the gateway authenticates every request with it/],
    [{ SLUICE_INTERNAL_SECRET: '' }, /SLUICE_INTERNAL_SECRET: SLUICE_INTERNAL_SECRET is not set/],
    [{ SLUICE_INTERNAL_SECRET: 'short' }, /SLUICE_INTERNAL_SECRET: SLUICE_INTERNAL_SECRET is 5 bytes long; it must be at least 32/],
    [{ SLUICE_AUDIT_READS: 'yes' }, /SLUICE_AUDIT_READS: must be true or false, got 'yes'/],
    [{ SLUICE_WEBHOOK_URLS: 'ftp://x' }, /SLUICE_WEBHOOK_URLS: 'ftp:\/\/x' is not http\(s\):\/\/host:port/],
    [{ SLUICE_GRAPHQL_MAX_DEPTH: '0' }, /SLUICE_GRAPHQL_MAX_DEPTH: '0' is not a whole number from 1 to 1000/],
    [{ SLUICE_WEB_DIR: '/nonexistent/web/dist' }, /SLUICE_WEB_DIR: '\/nonexistent\/web\/dist' is not a directory/],
    [{ SLUICE_KAFKA_BROKERS: 'nope' }, /SLUICE_KAFKA_BROKERS: not host:port: 'nope'/],
  ])('refuses %j naming the variable', (change, message) => {
    expect(() => loadGatewayConfig({ ...VALID, ...change })).toThrow(message);
  });

  it('does not ask for a permissions subgraph while SLUICE_SUBGRAPHS cannot be read', () => {
    expect(problemsOf({ ...VALID, SLUICE_SUBGRAPHS: 'pipelines' })).toEqual([{ variable: 'SLUICE_SUBGRAPHS', reason: expect.stringMatching(/^'pipelines' is not name=url/) }]);
  });

  it('lists every bad variable at once', () => {
    expect(problemsOf({ SLUICE_SUBGRAPHS: 'x', SLUICE_PORT: '70000', SLUICE_AUDIT_READS: 'no', SLUICE_WEBHOOK_URLS: 'x' }).map((p) => p.variable)).toEqual([
      'SLUICE_SUBGRAPHS',
      'SLUICE_PORT',
      'SLUICE_INTERNAL_SECRET',
      'SLUICE_AUDIT_READS',
      'SLUICE_WEBHOOK_URLS',
    ]);
  });
});

describe('gatewaySettingsFrom (the embedded platform)', () => {
  it('reads what the gateway takes wherever it runs, and nothing of SLUICE_SUBGRAPHS or the secret', () => {
    expect(gatewaySettingsFrom({})).toEqual({ limits: DEFAULT_GATEWAY_LIMITS, webDir: DEFAULT_WEB_DIR, auditReads: true });
    expect(gatewaySettingsFrom({ SLUICE_METRICS_PUBLIC: 'true', SLUICE_AUDIT_READS: 'false' })).toMatchObject({ limits: { metricsPublic: true }, auditReads: false });
  });

  it('lists every bad variable at once', () => {
    expect(problemsOf({ SLUICE_METRICS_PUBLIC: 'yes', SLUICE_AUDIT_READS: 'no' }, gatewaySettingsFrom).map((p) => p.variable)).toEqual(['SLUICE_METRICS_PUBLIC', 'SLUICE_AUDIT_READS']);
  });
});
