// The signed-in token lives for the browser tab only (sessionStorage), never in localStorage or a cookie.
const TOKEN = 'sluice.token';
const IDENTITY = 'sluice.identity';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN) ?? undefined;
}

/** Who the token is, as `whoami` answered at sign-in (shown in the header). */
export function storedIdentity(): string | undefined {
  return sessionStorage.getItem(IDENTITY) ?? undefined;
}

export function storeToken(token: string | undefined, identity?: string): void {
  if (token === undefined || token === '') {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(IDENTITY);
    return;
  }
  sessionStorage.setItem(TOKEN, token);
  if (identity === undefined) sessionStorage.removeItem(IDENTITY);
  else sessionStorage.setItem(IDENTITY, identity);
}

/** The headers every request carries: `authorization: Bearer …` once signed in. */
export function authorizationHeaders(): Record<string, string> {
  const token = storedToken();
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

// Set by the app: where a refused token (HTTP UNAUTHENTICATED, graphql-ws close 4401) sends the person.
let unauthenticated: (message: string) => void = () => undefined;

export function onUnauthenticated(handler: (message: string) => void): void {
  unauthenticated = handler;
}

export function reportUnauthenticated(message: string): void {
  unauthenticated(message);
}
