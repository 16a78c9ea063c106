/**
 * One key for the spellings of a repository: `https://github.com/Org/App.git`,
 * `git@github.com:org/app`, `ssh://git@github.com/org/app/` all give `github.com/org/app`.
 * Hosted paths are compared case-insensitively (GitHub and GitLab treat them so); local paths are not.
 */
export function normalizeRepositoryUrl(url: string): string {
  const trimmed = url.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return hostedKey(scp[1], scp[2]);
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(trimmed);
  if (!withScheme) return stripSuffixes(trimmed);
  const scheme = withScheme[1].toLowerCase();
  if (scheme === 'file') return stripSuffixes(withScheme[2]);
  const rest = withScheme[2];
  const slash = rest.indexOf('/');
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d+$/, '');
  return hostedKey(host, path);
}

/** The URL with any user or token removed, for logs and trigger details. */
export function redactRepositoryUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
}

function hostedKey(host: string, path: string): string {
  return `${host.toLowerCase()}/${stripSuffixes(path.replace(/^\/+/, '')).toLowerCase()}`;
}

function stripSuffixes(path: string): string {
  return path.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '');
}
