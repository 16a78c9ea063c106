/** A URL split from the user name and password written into it (`https://user:token@host/…`). */
export interface UrlWithoutCredentials {
  /** The URL as git or fetch should see it, without credentials. */
  url: string;
  username: string;
  password: string;
}

/** What replaces the userinfo of a URL shown to anyone: `https://***@git.example.com/…`. */
export const REDACTED_USERINFO = '***';

/**
 * `scheme://userinfo@`: the userinfo runs to the last `@` before the host's end (`/`, `?`, `#`) and holds
 * none of the characters a URL cannot (quotes, spaces, `<>{}|\^` and backquote), so `"https://host", "a@b"`
 * in a JSON text is not one URL. A password with a raw `@` is redacted whole.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"<>`{}|\\^]+@/gi;

/**
 * `text` with the userinfo of every `scheme://user[:password]@` in it replaced by `***`: what a URL may
 * show to whoever reads a definition, an answer, a log or an audit record. `git@host:org/repo` (no scheme)
 * and e-mail addresses are left alone.
 */
export function redactUrlCredentials(text: string): string {
  // Most strings hold no URL with userinfo: two substring checks spare them the regular expression (it needs both).
  if (!text.includes('://') || !text.includes('@')) return text;
  return text.replace(URL_USERINFO, `$1${REDACTED_USERINFO}@`);
}

/** Whether `text` holds a URL with userinfo (`redactUrlCredentials` would change it). */
export function hasUrlCredentials(text: string): boolean {
  return redactUrlCredentials(text) !== text;
}

/** Splits the credentials out of an http(s) URL; other URLs (ssh, scp-like, paths) come back unchanged. */
export function splitUrlCredentials(raw: string): UrlWithoutCredentials {
  if (!/^https?:\/\//i.test(raw)) return { url: raw, username: '', password: '' };
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: raw, username: '', password: '' };
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), username, password };
}

/**
 * `text` with every credential of `rawUrl` replaced by `***`: the userinfo of any URL, and the user
 * name and password of `rawUrl` alone (raw and percent-decoded), wherever a tool may have echoed them.
 */
export function redactCredentials(text: string, rawUrl: string): string {
  let redacted = redactUrlCredentials(text);
  for (const secret of credentialStrings(rawUrl)) redacted = redacted.split(secret).join(REDACTED_USERINFO);
  return redacted;
}

/** The URL as it may be shown: userinfo replaced by `***`. */
export function displayUrl(rawUrl: string): string {
  return redactCredentials(rawUrl, rawUrl);
}

function credentialStrings(rawUrl: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)@/i.exec(rawUrl);
  if (match === null) return [];
  const [, scheme = '', userinfo = ''] = match;
  const separator = userinfo.indexOf(':');
  const username = separator === -1 ? userinfo : userinfo.slice(0, separator);
  const password = separator === -1 ? '' : userinfo.slice(separator + 1);
  // Over http a lone user name is often a token (`https://<token>@host`); an ssh user name (`git@`) is not a secret.
  const parts = /^https?$/i.test(scheme) ? [username, password] : [password];
  const strings = new Set<string>();
  for (const part of parts.filter((candidate) => candidate.length >= 4 && candidate !== REDACTED_USERINFO)) {
    strings.add(part);
    try {
      strings.add(decodeURIComponent(part));
    } catch {
      // A malformed escape stays as written.
    }
  }
  return [...strings].sort((a, b) => b.length - a.length);
}
