/** A request's target as the gateway routes it: origin-form only (RFC 9112 §3.2.1), never a host of the caller's choosing. */
export type RequestTarget = { ok: true; path: string; search: string } | { ok: false; problem: string };

/**
 * The path and query of a request target, read strictly: it must start with exactly one `/` (not `//host/…`, which a URL
 * parser reads as another host; not `http://host/…`, the absolute-form of proxies; not `*`), and hold no backslash
 * (which URL parsers read as `/`) and no control character. `path` is normalized (`/a/../b` is `/b`) on the gateway's
 * own origin, so whatever routes on it routes on a path of this server.
 */
export function originFormTarget(raw: string | undefined): RequestTarget {
  if (raw === undefined || raw === '') return { ok: false, problem: 'the request has no target' };
  if (raw[0] !== '/') return { ok: false, problem: 'the request target must be a path starting with "/" (origin-form), not an absolute URL or "*"' };
  if (raw[1] === '/') return { ok: false, problem: 'the request target must not start with "//"' };
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return { ok: false, problem: 'the request target holds a backslash or a control character' };
  const url = new URL(raw, 'http://gateway.invalid');
  // Cannot happen after the checks above; kept so that no later change makes it happen silently.
  if (url.host !== 'gateway.invalid') return { ok: false, problem: 'the request target names a host' };
  return { ok: true, path: url.pathname, search: url.search };
}
