import { createReadStream, statSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import type { ConfigProblems, Env } from '@sluice/runtime';

/** The repository's `web/dist`, where `npm run build -w @sluice/web` writes the dashboard. */
export const DEFAULT_WEB_DIR = resolve(__dirname, '../../../web/dist');

/**
 * Paths the dashboard never answers, even when no route owns them in this process (e.g. `/artifacts` without
 * the artifacts service): a client asking for an API there must get a 404, not the dashboard's HTML.
 */
export const RESERVED_PREFIXES = ['/graphql', '/healthz', '/readyz', '/metrics', '/webhooks', '/artifacts', '/aws', '/session'] as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite names every file under assets/ after its content hash: a new build makes new names, so they never change.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
const INDEX_POLICY = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * Where the dashboard's build is: `SLUICE_WEB_DIR` when set (it must be a directory; else a problem naming it), else the
 * repository's `web/dist` (which may not be built yet: `/` then says how to build it). Read by gateway-config.ts.
 */
export function webDirFrom(env: Env, problems: ConfigProblems): string {
  const configured = env.SLUICE_WEB_DIR?.trim();
  if (!configured) return DEFAULT_WEB_DIR;
  const dir = resolve(configured);
  let stats: Stats | undefined;
  try {
    stats = statSync(dir);
  } catch {
    stats = undefined;
  }
  if (!stats?.isDirectory()) {
    problems.push({ variable: 'SLUICE_WEB_DIR', reason: `'${configured}' is not a directory (it should hold the dashboard's build: npm run build -w @sluice/web, then point it at web/dist)` });
  }
  return dir;
}

const NOT_BUILT = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sluice: dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The Sluice dashboard is not built</h1>
<p>The gateway looks for it in <code>${escapeHtml(dir)}</code> (set <code>SLUICE_WEB_DIR</code> to change that). Build it with</p>
<pre>npm run build -w @sluice/web</pre>
<p>then reload this page. <code>npm start</code> builds it for you. The API is at <a href="/graphql">/graphql</a>.</p>
</body></html>
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(body);
}

async function fileAt(path: string): Promise<Stats | undefined> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the dashboard's static build: a file of the build, or `index.html` for the dashboard's own routes
 * (paths without a file extension), never anything outside the build directory.
 */
export function dashboardFiles(webDir: string): { handle(req: IncomingMessage, res: ServerResponse): Promise<void> } {
  const root = resolve(webDir);

  async function send(req: IncomingMessage, res: ServerResponse, file: string, stats: Stats, cacheControl: string, extra: Record<string, string> = {}) {
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers = {
      'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      etag,
      'last-modified': stats.mtime.toUTCString(),
      'x-content-type-options': 'nosniff',
      ...extra,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, { ...headers, 'content-length': String(stats.size) });
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((done, fail) => {
      const stream = createReadStream(file);
      stream.once('error', fail);
      res.once('close', () => {
        stream.destroy();
        done();
      });
      stream.pipe(res);
    });
  }

  return {
    async handle(req, res) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed: the dashboard is read with GET', { allow: 'GET, HEAD' });
      const rawPath = (req.url ?? '/').split('?')[0]!.split('#')[0]!;
      let path: string;
      try {
        path = decodeURIComponent(rawPath);
      } catch {
        return sendText(res, 400, `bad path: ${rawPath} is not valid percent-encoding`);
      }
      if (RESERVED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
        return sendText(res, 404, `not found: ${path} (GraphQL is at /graphql)`);
      }
      // Any '..' segment or NUL (also encoded, also with backslashes) is refused before touching the disk.
      if (path.includes('\0') || path.split(/[/\\]/).includes('..')) return sendText(res, 400, `bad path: ${rawPath} leaves the dashboard`);

      const index = join(root, 'index.html');
      const indexStats = await fileAt(index);
      if (!indexStats) {
        res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        return void res.end(req.method === 'HEAD' ? undefined : NOT_BUILT(root));
      }

      const candidate = resolve(root, `.${path}`);
      if (candidate !== root && !candidate.startsWith(root + sep)) return sendText(res, 400, `bad path: ${rawPath} leaves the dashboard`);
      const stats = candidate === root ? undefined : await fileAt(candidate);
      if (stats) {
        // A symbolic link in the build must not lead out of it either.
        const real = await realpath(candidate);
        const realRoot = await realpath(root);
        if (!real.startsWith(realRoot + sep)) return sendText(res, 404, `not found: ${path}`);
        const hashed = path.startsWith('/assets/');
        return send(req, res, candidate, stats, hashed ? IMMUTABLE : REVALIDATE, candidate === index ? { 'content-security-policy': INDEX_POLICY } : {});
      }
      // A missing build file (an asset, or a top-level file such as /favicon.ico) is a 404; any other path is one of the
      // dashboard's routes (pipeline names may hold dots: /pipelines/web.v2 is a route, not a file).
      const topLevelFile = path.lastIndexOf('/') === 0 && extname(path) !== '';
      if (path.startsWith('/assets/') || topLevelFile) return sendText(res, 404, `not found: ${path}`);
      return send(req, res, index, indexStats, REVALIDATE, { 'content-security-policy': INDEX_POLICY });
    },
  };
}
