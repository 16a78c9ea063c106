import type { IncomingMessage, ServerResponse } from 'node:http';
import { clearedSessionCookie, CSRF_HEADER, isSameOrigin, sessionCookie, sessionIdOf } from './browser-sessions';
import { isHttps, originOf, type GatewayAuth } from './gateway-auth';

export const SESSION_PATH = '/session';

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

/**
 * `/session` (decision 0045), the dashboard's sign-in and sign-out:
 * - `POST` with `Authorization: Bearer <token>`: the token is authenticated as on `/graphql`; a new session's id is
 *   set as an httpOnly, SameSite=Strict cookie, and the answer says who signed in (`{ account, actor }`).
 * - `GET`: who the cookie signs in, `{ session: { account, actor } }`, or `{ session: null }` (no 401: not an error).
 * - `DELETE`: the session ends on the server and its cookie is cleared (204), also when it was unknown already.
 * All come only from the gateway's own origin and with the `x-sluice-csrf` header (a cross-origin page cannot send it).
 */
export async function handleSessionRequest(auth: GatewayAuth, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const secure = isHttps(req);
  if (!isSameOrigin(req) || req.headers[CSRF_HEADER] === undefined) {
    return json(res, 403, { error: 'forbidden', message: `${SESSION_PATH} answers only the dashboard's origin, with the ${CSRF_HEADER} header` });
  }
  const previous = sessionIdOf(req);
  try {
    await answerSessionRequest(auth, req, res, previous, secure);
  } catch (error) {
    // The store the sessions live in does not answer: say so (503), never a 500 nor a sign-in that was not kept.
    if (res.headersSent) throw error;
    auth.log(`gateway: ${req.method} ${SESSION_PATH}: the browser sessions could not be read or written: ${error instanceof Error ? error.message : String(error)}`);
    json(res, 503, { error: 'unavailable', message: 'the sessions cannot be read or written right now (the store does not answer); try again' });
  }
}

async function answerSessionRequest(auth: GatewayAuth, req: IncomingMessage, res: ServerResponse, previous: string | undefined, secure: boolean): Promise<void> {
  if (req.method === 'DELETE') {
    // Deleted from the store: every gateway refuses the cookie from the next request on, a kept copy of it too.
    if (previous !== undefined) await auth.sessions.end(previous);
    res.writeHead(204, { 'cache-control': 'no-store', 'set-cookie': clearedSessionCookie(secure) });
    return void res.end();
  }
  if (req.method === 'GET') {
    // Who the cookie signs in, answered without a 401 (a first visit is not an error): `{ session: null }` when nobody.
    const token = previous === undefined ? undefined : await auth.sessions.tokenOf(previous);
    const answer = token === undefined ? undefined : await auth.authenticate(`Bearer ${token}`, originOf(req), SESSION_PATH);
    if (answer && !answer.ok && answer.status === 503) return json(res, 503, { error: 'unavailable', message: answer.message });
    // A session whose token was revoked (or expired) ends with it.
    if (answer && !answer.ok) await auth.sessions.end(previous!);
    if (!answer?.ok) return json(res, 200, { session: null }, previous === undefined ? {} : { 'set-cookie': clearedSessionCookie(secure) });
    const { principal, actor } = answer.request.auth;
    return json(res, 200, { session: { account: principal.account, actor } });
  }
  if (req.method !== 'POST') return json(res, 405, { error: 'method_not_allowed', message: `${SESSION_PATH}: GET says who is signed in, POST signs in, DELETE signs out` }, { allow: 'GET, POST, DELETE' });
  const authorization = req.headers.authorization;
  const origin = originOf(req);
  res.setHeader('x-request-id', origin.requestId);
  const answer = await auth.authenticate(authorization, origin, SESSION_PATH);
  if (!answer.ok) {
    return json(res, answer.status, { errors: [{ message: answer.message, extensions: { code: answer.status === 401 ? 'UNAUTHENTICATED' : 'SERVICE_UNAVAILABLE' } }] });
  }
  // A sign-in replaces the browser's previous session rather than leaving it alive beside the new one.
  if (previous !== undefined) await auth.sessions.end(previous);
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization!.trim())![1]!;
  const { auth: who } = answer.request;
  const session = await auth.sessions.create(token, who.expiresAt, `${who.principal.account}/${who.principal.id}`);
  json(res, 200, { account: who.principal.account, actor: who.actor }, { 'set-cookie': sessionCookie(session.id, session.maxAgeSeconds, secure) });
}
