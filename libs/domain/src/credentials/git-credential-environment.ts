import { splitUrlCredentials } from './url-credentials';

/** Credentials the operator gives git for private repositories, and the only hosts they may be sent to. */
export interface GitHostCredentials {
  username: string;
  password: string;
  /** `host` (at the scheme's default port) or `host:port`. */
  hosts: readonly string[];
}

/** What git is told for one repository: the credentials, and the only protocol and host it may send them to. */
interface Grant {
  username: string;
  password: string;
  protocol: string;
  host: string;
}

/** Variables of the operator's or a tool's that would change which credentials git sends where. */
const credentialVariables = /^(GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)|SLUICE_GIT_[A-Z_]+)$/;

/**
 * The environment to run git on `rawUrl` with: `base` without the variables that would hand git other
 * configuration or credentials, plus — when the URL carries credentials, or else when `operator` has some
 * for the URL's host — a one-off credential helper that reads them from the environment. They stay out of
 * argv (visible to every local user) and out of any file, the operator's own helpers are not asked (or
 * written to), and the helper answers git only for the URL's own protocol and host, so a redirect to
 * another host gets nothing.
 */
export function gitCredentialEnvironment(base: Readonly<Record<string, string | undefined>>, rawUrl: string, operator?: GitHostCredentials): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(base)) if (!credentialVariables.test(name)) env[name] = value;
  const grant = grantFor(rawUrl, operator);
  if (!grant) return env;
  return {
    ...env,
    SLUICE_GIT_USERNAME: grant.username,
    SLUICE_GIT_PASSWORD: grant.password,
    SLUICE_GIT_CREDENTIAL_PROTOCOL: grant.protocol,
    SLUICE_GIT_CREDENTIAL_HOST: grant.host,
    GIT_CONFIG_COUNT: '2',
    // An empty helper first resets the list, so the operator's own helpers are not asked (or written to).
    GIT_CONFIG_KEY_0: 'credential.helper',
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: 'credential.helper',
    GIT_CONFIG_VALUE_1:
      '!f() { test "$1" = get || return 0; p=; h=; while IFS= read -r line; do case "$line" in protocol=*) p="${line#protocol=}";; host=*) h="${line#host=}";; esac; done; ' +
      'if test "$p" = "$SLUICE_GIT_CREDENTIAL_PROTOCOL" && test "$h" = "$SLUICE_GIT_CREDENTIAL_HOST"; then printf \'username=%s\\npassword=%s\\n\' "$SLUICE_GIT_USERNAME" "$SLUICE_GIT_PASSWORD"; fi; }; f',
  };
}

/**
 * The operator's credentials, when they may be sent for `rawUrl`: an http(s) URL without credentials of its
 * own whose host (host:port) is one of `operator.hosts`. Never for another host, scheme or a URL with its own.
 */
export function operatorCredentialsFor(rawUrl: string, operator: GitHostCredentials | undefined): { username: string; password: string } | undefined {
  if (!operator) return undefined;
  const own = splitUrlCredentials(rawUrl);
  if (own.username !== '' || own.password !== '') return undefined;
  const location = locationOf(own.url);
  if (!location) return undefined;
  const listed = new Set(operator.hosts.map((host) => host.trim().toLowerCase()));
  return location.names.some((name) => listed.has(name)) ? { username: operator.username, password: operator.password } : undefined;
}

function grantFor(rawUrl: string, operator: GitHostCredentials | undefined): Grant | undefined {
  const own = splitUrlCredentials(rawUrl);
  const location = locationOf(own.url);
  if (!location) return undefined;
  if (own.username !== '' || own.password !== '') return { username: own.username, password: own.password, protocol: location.protocol, host: location.host };
  const granted = operatorCredentialsFor(rawUrl, operator);
  return granted && { ...granted, protocol: location.protocol, host: location.host };
}

/** An http(s) URL's protocol, its host as git names it, and the names a host list may give it (`host` at the default port, `host:port`). */
function locationOf(url: string): { protocol: string; host: string; names: string[] } | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const protocol = parsed.protocol.slice(0, -1);
  const port = parsed.port || (protocol === 'https' ? '443' : '80');
  return { protocol, host: parsed.host, names: [parsed.host, `${parsed.hostname}:${port}`] };
}
