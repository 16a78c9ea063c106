import type { IncomingMessage } from 'node:http';

/**
 * The address a request came from: the socket's peer, or, behind a load balancer the operator named
 * (SLUICE_TRUSTED_PROXIES), the address that balancer appended to `X-Forwarded-For`. Only the last entry is taken:
 * whatever a client wrote there itself comes before it and is never believed. Rate limits and the audit trail count
 * callers by this address, so without it every caller behind a balancer would share one budget.
 */
const clientAddresses = new WeakMap<IncomingMessage, string>();

const plain = (address: string): string => (address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address);

/** Reads the request's client address once, as it enters the gateway (a request or a WebSocket upgrade). */
export function noteClientAddress(req: IncomingMessage, trustedProxies: readonly string[]): void {
  const peer = req.socket.remoteAddress;
  if (peer === undefined || trustedProxies.length === 0 || !trustedProxies.includes(plain(peer))) return;
  const forwarded = req.headers['x-forwarded-for'];
  const list = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((a) => a.trim()).filter((a) => a !== '');
  const last = list.at(-1);
  if (last !== undefined) clientAddresses.set(req, last);
}

/** The client address of a request (noteClientAddress), else its socket's peer. */
export const clientAddressOf = (req: IncomingMessage): string | null => clientAddresses.get(req) ?? req.socket.remoteAddress ?? null;
