import { isIP } from 'node:net';

/** Where a service listens unless told otherwise: loopback, so that only the gateway on this machine reaches it. */
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';
export const BIND_ADDRESS_ENV = 'SLUICE_BIND_ADDRESS';

/** SLUICE_BIND_ADDRESS (an IP address or a host name, e.g. 0.0.0.0 when the gateway runs on another machine), else 127.0.0.1. */
export function bindAddressFrom(env: Readonly<Record<string, string | undefined>>): string {
  const value = env[BIND_ADDRESS_ENV]?.trim();
  if (value === undefined || value === '') return DEFAULT_BIND_ADDRESS;
  if (isIP(value) === 0 && !/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(value)) {
    throw new Error(`${BIND_ADDRESS_ENV}: '${value}' is neither an IP address nor a host name (e.g. 127.0.0.1, 0.0.0.0, ::1)`);
  }
  return value;
}

/** A URL host for a listening address: a wildcard address is reached on loopback. */
export function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return isIP(address) === 6 ? `[${address}]` : address;
}
