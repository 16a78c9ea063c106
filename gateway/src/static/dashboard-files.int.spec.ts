import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigProblems } from '@sluice/runtime';
import { dashboardFiles, webDirFrom } from './dashboard-files';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request: `path` goes on the wire exactly as given (fetch would normalize '..' away). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

async function serve(dir: string): Promise<{ server: Server; port: number }> {
  const files = dashboardFiles(dir);
  const server = createServer((req, res) => void files.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('the dashboard files the gateway serves at /', () => {
  let base: string;
  let web: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-web-')));
    web = join(base, 'dist');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Sluice</title><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(web, 'assets/index-abc123.js'), 'console.log("dashboard")');
    writeFileSync(join(web, 'assets/index-abc123.css'), 'body{}');
    writeFileSync(join(web, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(base, 'secret.txt'), 'outside the build');
    symlinkSync(join(base, 'secret.txt'), join(web, 'assets/link.txt'));
    ({ server, port } = await serve(web));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(base, { recursive: true, force: true });
  });

  it('answers index.html at / and for the dashboard’s routes, revalidated on every load', async () => {
    for (const path of ['/', '/pipelines/web', '/pipelines/web.v2', '/pipelines/web/executions/0a1b', '/sign-in?next=/']) {
      const answer = await get(port, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(answer.body).toContain('<title>Sluice</title>');
    }
  });

  it('serves hashed assets as immutable with their content types, and 304 on a matching ETag', async () => {
    const js = await get(port, '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.body).toBe('console.log("dashboard")');
    expect((await get(port, '/assets/index-abc123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await get(port, '/favicon.svg');
    expect([svg.headers['content-type'], svg.headers['cache-control']]).toEqual(['image/svg+xml', 'no-cache']);

    const again = await get(port, '/assets/index-abc123.js', { 'if-none-match': String(js.headers.etag) });
    expect([again.status, again.body]).toEqual([304, '']);
    const head = await get(port, '/assets/index-abc123.js', {}, 'HEAD');
    expect([head.status, head.headers['content-length'], head.body]).toEqual([200, String('console.log("dashboard")'.length), '']);
  });

  it('answers 404 for a missing asset or top-level file instead of the page', async () => {
    for (const path of ['/assets/gone-123.js', '/favicon.ico', '/robots.txt']) {
      const answer = await get(port, path);
      expect({ path, status: answer.status, type: answer.headers['content-type'] }).toEqual({ path, status: 404, type: 'text/plain; charset=utf-8' });
    }
  });

  it('never answers the API’s paths with the dashboard', async () => {
    for (const path of ['/graphql', '/webhooks/generic/x', '/artifacts/sha256', '/aws', '/metrics']) {
      const answer = await get(port, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(answer.body).not.toContain('<title>Sluice</title>');
    }
  });

  it('refuses paths that leave the build, plain, encoded, with backslashes, NUL, or through a symbolic link', async () => {
    const attempts = ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/assets/%2E%2E%2F%2E%2E%2Fsecret.txt', '/..%5csecret.txt', '/index.html%00.js', '/%ZZ'];
    for (const path of attempts) {
      const answer = await get(port, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(answer.body).not.toContain('outside the build');
    }
    const link = await get(port, '/assets/link.txt');
    expect(link.status).toBe(404);
    expect(link.body).not.toContain('outside the build');
  });

  it('reads only: other methods get 405 with Allow', async () => {
    const answer = await get(port, '/', {}, 'POST');
    expect([answer.status, answer.headers.allow]).toEqual([405, 'GET, HEAD']);
  });

  it('says how to build the dashboard when the build is missing', async () => {
    const empty = await serve(join(base, 'not-built'));
    try {
      const answer = await get(empty.port, '/pipelines/web');
      expect(answer.status).toBe(503);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.body).toContain('npm run build -w @sluice/web');
      expect(answer.body).toContain(join(base, 'not-built'));
    } finally {
      await new Promise((resolve) => empty.server.close(resolve));
    }
  });

  it('takes SLUICE_WEB_DIR when it is a directory, names it when it is not, and defaults to web/dist', () => {
    const problemsOf = (env: Record<string, string>) => {
      const problems: ConfigProblems = [];
      webDirFrom(env, problems);
      return problems;
    };
    expect(webDirFrom({ SLUICE_WEB_DIR: web }, [])).toBe(web);
    expect(problemsOf({ SLUICE_WEB_DIR: web })).toEqual([]);
    expect(problemsOf({ SLUICE_WEB_DIR: join(base, 'missing') })).toEqual([{ variable: 'SLUICE_WEB_DIR', reason: expect.stringMatching(/^'.*missing' is not a directory/) }]);
    expect(problemsOf({ SLUICE_WEB_DIR: join(base, 'secret.txt') })).toEqual([{ variable: 'SLUICE_WEB_DIR', reason: expect.stringMatching(/secret\.txt' is not a directory/) }]);
    expect(webDirFrom({}, [])).toBe(join(__dirname, '../../../web/dist'));
  });
});
