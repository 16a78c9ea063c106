// Sign-in exchanges the token for a session (decision 0045): the gateway keeps the token and gives the browser an
// httpOnly, SameSite=Strict cookie, so new tabs and deep links are signed in and no script of the page holds the token.

/** Sent on every request the cookie authenticates: a page of another origin cannot send it (the CSRF guard). */
export const CSRF_HEADERS = { 'x-sluice-csrf': '1' } as const;

// Bumped at each sign-in and sign-out: what was cached for the previous principal is asked again.
let generation = 0;
export const sessionGeneration = (): number => generation;

/** Who signed in, as the gateway says. */
export interface Identity {
  account: string;
  actor: string;
}

export const identityText = (who: Identity): string => `${who.actor} (${who.account})`;

/** Exchanges a token for a session cookie; who it signs in, or the gateway's refusal as an Error. */
export async function signIn(token: string): Promise<Identity> {
  const response = await fetch('/session', { method: 'POST', headers: { ...CSRF_HEADERS, authorization: `Bearer ${token}` } });
  const answer = (await response.json().catch(() => ({}))) as Partial<Identity> & { errors?: Array<{ message: string }>; message?: string };
  if (!response.ok || answer.account === undefined || answer.actor === undefined) {
    throw new Error(answer.errors?.map((e) => e.message).join('; ') || answer.message || `the gateway answered HTTP ${response.status}`);
  }
  generation += 1;
  return { account: answer.account, actor: answer.actor };
}

/** Ends the session on the gateway and drops the cookie. */
export async function signOut(): Promise<void> {
  await fetch('/session', { method: 'DELETE', headers: CSRF_HEADERS });
  generation += 1;
}

/**
 * Where sign-in returns to: the page asked for, when it is a path of this dashboard (never another site: `//host`
 * or `/\host` would leave it), else the pipelines.
 */
export function returnPathOf(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/sign-in')) return '/';
  return next;
}

// Set by the app: where a refused session (HTTP UNAUTHENTICATED, graphql-ws close 4401) sends the person.
let unauthenticated: (message: string) => void = () => undefined;

export function onUnauthenticated(handler: (message: string) => void): void {
  unauthenticated = handler;
}

export function reportUnauthenticated(message: string): void {
  unauthenticated(message);
}

/**
 * Who the browser's session signs in, asked once when the dashboard opens: undefined when there is no session (a
 * first visit, or one that ended). Not an error (the gateway answers 200): the person is simply asked to sign in.
 */
export async function currentIdentity(): Promise<Identity | undefined> {
  const response = await fetch('/session', { headers: { accept: 'application/json', ...CSRF_HEADERS } });
  if (!response.ok) throw new Error(`the gateway answered HTTP ${response.status}`);
  const answer = (await response.json()) as { session: Identity | null };
  return answer.session ?? undefined;
}
