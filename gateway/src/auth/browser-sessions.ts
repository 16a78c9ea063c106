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

/** A new session: the id the cookie carries (32 random bytes, base64url) and how long it lasts, in seconds. */
export interface CreatedSession {
  id: string;
  maxAgeSeconds: number;
}

/**
 * The dashboard's sessions (decisions 0045, 0057): an unguessable id, given to the browser as an httpOnly cookie,
 * stands for the token the person signed in with; the token never reaches the page's scripts. The token is still
 * authenticated on every request, so a revoked token ends its sessions within the authenticator's cache time.
 * Kept in the store's database (stored-browser-sessions.ts), so every gateway knows every session.
 */
export interface BrowserSessions {
  /** A new session of `principal` (`account/principalId`) for `token`, ending at the token's expiry or after SESSION_MAX_AGE_MS. */
  create(token: string, tokenExpiresAt: Date, principal: string): Promise<CreatedSession>;
  /** The token a live session stands for; undefined for an unknown, ended or expired one. */
  tokenOf(id: string): Promise<string | undefined>;
  /** Ends a session (sign-out): its cookie no longer authenticates anything, on any gateway, even if a copy of it was kept. */
  end(id: string): Promise<void>;
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
