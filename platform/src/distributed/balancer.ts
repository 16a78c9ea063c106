import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * Several gateways behind Debian's HAProxy (issue 20, decision 0047): what an operator would put in front of them, run
 * by `start:distributed` and the distributed e2e when there is more than one gateway. HAProxy checks each gateway's
 * `/healthz` every second, sends a request that found no connection to another gateway (nothing reached the first, so
 * nothing runs twice), and keeps WebSocket subscriptions open as long as their gateway lives; a client whose gateway
 * died reconnects through it and resumes from its last cursor.
 */

export interface BalancerOptions {
  /** Where the configuration is written (`<dir>/haproxy.cfg`). */
  dir: string;
  /** The port clients use (0: a free one). */
  port: number;
  /** The gateways: `http://127.0.0.1:port` each. */
  backends: readonly string[];
  onLine?: (line: string) => void;
}

export interface RunningBalancer {
  /** `http://127.0.0.1:port`: what clients, workers and the dashboard use. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** HAProxy's configuration for the gateways: health-checked, round robin, WebSockets held for an hour of silence. */
export function haproxyConfig(port: number, backends: readonly string[]): string {
  const servers = backends.map((url, i) => {
    const { hostname, port: backendPort } = new URL(url);
    return `  server gateway-${i + 1} ${hostname}:${backendPort} check`;
  });
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  timeout http-request 30s',
    // A graphql-ws connection is a tunnel once upgraded: idle up to an hour (the server pings it well within that).
    '  timeout tunnel 1h',
    // Only a connection that was never made is tried again, on another gateway: a request that reached one is its.
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure',
    'frontend sluice',
    `  bind 127.0.0.1:${port}`,
    // The gateways trust this address (SLUICE_TRUSTED_PROXIES) and count callers by the address appended here.
    '  option forwardfor',
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    // No sticky cookie: a browser's sign-in session is in the store, known to every gateway (decision 0057).
    '  option httpchk GET /healthz',
    '  http-check expect status 200',
    '  default-server inter 1s fall 2 rise 2',
    ...servers,
    '',
  ].join('\n');
}

/** HAProxy's path, or why there is none (scripts/ensure-haproxy.sh installs it). */
export function haproxyProblem(): string | undefined {
  const found = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  return found.status === 0 ? undefined : 'HAProxy is not installed: run `bash scripts/ensure-haproxy.sh` (Debian package haproxy), or run one gateway (SLUICE_GATEWAYS=1)';
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts HAProxy in the foreground (`-db`) and resolves once a gateway answers `/healthz` through it. */
export async function startBalancer(options: BalancerOptions): Promise<RunningBalancer> {
  const problem = haproxyProblem();
  if (problem) throw new Error(problem);
  const port = options.port || (await freePort());
  mkdirSync(options.dir, { recursive: true });
  const config = join(options.dir, 'haproxy.cfg');
  writeFileSync(config, haproxyConfig(port, options.backends));
  const child = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const line of chunk.toString().split('\n')) if (line.trim()) options.onLine?.(line);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}) before it balanced anything:\n${output}`);
    const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
    if (answer?.ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not pass /healthz to a gateway within 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
