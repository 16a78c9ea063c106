import type { GraphQLResponse } from '@sluice/graphql-service/testing';

// The dashboard's session as a test drives it over HTTP (decisions 0045, 0057): sign in at `POST /session` with a
// token, then send the cookie with the CSRF header, as the dashboard's pages do.

const CSRF = { 'x-sluice-csrf': '1' };

/** Signs in with `token` at `${url}/session`: the session's id (the `sluice_session` cookie's value). */
export async function signInSession(url: string, token: string): Promise<string> {
  const answer = await fetch(`${url}/session`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...CSRF } });
  const cookie = answer.headers.get('set-cookie') ?? '';
  const id = /^sluice_session=([^;]+)/.exec(cookie)?.[1];
  if (answer.status !== 200 || id === undefined) throw new Error(`POST ${url}/session answered ${answer.status} ${await answer.text()} (set-cookie: ${cookie})`);
  return id;
}

/** Who the session signs in at `url` (`GET /session`): `{ account, actor }`, or null. */
export async function sessionAt(url: string, id: string): Promise<{ account: string; actor: string } | null> {
  const answer = await fetch(`${url}/session`, { headers: { cookie: `sluice_session=${id}`, ...CSRF } });
  if (answer.status !== 200) throw new Error(`GET ${url}/session answered ${answer.status} ${await answer.text()}`);
  return ((await answer.json()) as { session: { account: string; actor: string } | null }).session;
}

/** Signs out at `url` (`DELETE /session`): the HTTP status. */
export async function signOutSession(url: string, id: string): Promise<number> {
  return (await fetch(`${url}/session`, { method: 'DELETE', headers: { cookie: `sluice_session=${id}`, ...CSRF } })).status;
}

/** GraphQL at `${url}/graphql` authenticated by the session cookie alone, with the CSRF header. */
export async function withSession<T>(url: string, id: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `sluice_session=${id}`, ...CSRF },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, ...((await res.json()) as Omit<GraphQLResponse<T>, 'status'>) };
}
