import { BlockList, isIP } from 'node:net';

/**
 * The hosts an `Invoke/Http` action may call: `api.example.com` (any port), `api.example.com:8443`,
 * `*.example.com` (its subdomains, not itself), `127.0.0.1`, `[::1]:8080`. Names compare without case.
 */
export class AllowedHosts {
  private readonly entries: Array<{ host: string; wildcard: boolean; port: string | undefined }>;

  constructor(readonly patterns: readonly string[]) {
    this.entries = patterns.map((pattern) => parseEntry(pattern.trim().toLowerCase()));
  }

  allows(url: URL): boolean {
    const host = url.hostname.toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    return this.entries.some((entry) => (entry.port === undefined || entry.port === port) && (entry.wildcard ? host.endsWith(`.${entry.host}`) : host === entry.host));
  }

  /**
   * Whether an entry is this very address (`127.0.0.1`, `[::1]`, with the port or none): what it takes
   * to call a loopback or link-local address, which an allowed name alone does not reach.
   * `::ffff:127.0.0.1` is `127.0.0.1`.
   */
  listsAddress(address: string, port: string): boolean {
    return this.entries.some((entry) => {
      if (entry.wildcard || (entry.port !== undefined && entry.port !== port)) return false;
      const literal = entry.host.replace(/^\[(.*)\]$/, '$1');
      const family = isIP(literal);
      if (family === 0) return false;
      const only = new BlockList();
      only.addAddress(literal, family === 4 ? 'ipv4' : 'ipv6');
      return only.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
    });
  }
}

function parseEntry(pattern: string): { host: string; wildcard: boolean; port: string | undefined } {
  const wildcard = pattern.startsWith('*.');
  const rest = wildcard ? pattern.slice(2) : pattern;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(rest);
  if (match === null || match[1] === undefined) throw new Error(`allowed host ${JSON.stringify(pattern)} is not a host name or address with an optional :port`);
  return { host: match[1], wildcard, port: match[2] };
}
