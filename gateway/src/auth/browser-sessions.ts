import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The dashboard's session cookie: httpOnly (no script reads it), SameSite=Strict (no other site's page sends it). */
export const SESSION_COOKIE = 'sluice_session';
/**
 * The header every cookie-authenticated `/graphql` request must carry. A page of another origin cannot set it
 * without a CORS preflight, which the gateway never grants: together with SameSite=Strict, the CSRF guard.
 */
export const CSRF_HEADER = 'x-sluice-csrf';
/** A session lasts this long at most (less when its token expires sooner); then the person signs in again. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

interface Session {
  token: string;
  expiresAt: number;
}

/**
 * Browser sessions of one gateway process (decision 0045): an unguessable id, given to the browser as an httpOnly
 * cookie, stands for the token the person signed in with; the token never reaches the page's scripts. The token is
 * authenticated on every request as before, so a revoked token ends its sessions within the authenticator's cache
 * time. Kept in memory: a gateway restart (or another gateway replica) asks the person to sign in again.
 */
export class BrowserSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly options: { maxSessions?: number; now?: () => number } = {}) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** A new session for `token`, ending at the token's expiry or after SESSION_MAX_AGE_MS; its id and lifetime. */
  create(token: string, tokenExpiresAt: Date): { id: string; maxAgeSeconds: number } {
    const now = this.now();
    const expiresAt = Math.min(tokenExpiresAt.getTime(), now + SESSION_MAX_AGE_MS);
    this.sweep(now);
    // Bounded: the oldest session goes first (Map keeps insertion order).
    if (this.sessions.size >= (this.options.maxSessions ?? 10_000)) this.sessions.delete(this.sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, { token, expiresAt });
    return { id, maxAgeSeconds: Math.max(0, Math.floor((expiresAt - now) / 1000)) };
  }

  /** The token a live session stands for; undefined for an unknown, ended or expired one. */
  tokenOf(id: string): string | undefined {
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session.token;
  }

  /** Ends a session (sign-out): its cookie no longer authenticates anything, even if a copy of it was kept. */
  end(id: string): void {
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    for (const [id, session] of this.sessions) if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

/** The session id of a request's `Cookie` header, if it has one. */
export function sessionIdOf(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const cookie = req.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === SESSION_COOKIE) {
      const value = part.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

/** The `Set-Cookie` of a new session (`Secure` when the page was served over https). */
export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` that removes the session cookie (sign-out, or a cookie the gateway no longer knows). */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

/**
 * Whether a browser request comes from the gateway's own pages: its `Origin` (browsers send it on every WebSocket
 * handshake and every POST) names the host the request was sent to. No `Origin` at all: not a browser's
 * cross-origin request (curl, the CLI), so nothing to guard against.
 */
export function isSameOrigin(req: Pick<IncomingMessage, 'headers'>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
