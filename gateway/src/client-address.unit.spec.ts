import type { IncomingMessage } from 'node:http';
import { clientAddressOf, noteClientAddress } from './client-address';

const request = (peer: string, forwarded?: string): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as IncomingMessage;

describe('the client address of a request', () => {
  it('is the socket peer when no balancer is trusted, whatever X-Forwarded-For says', () => {
    const req = request('203.0.113.9', '10.0.0.1');
    noteClientAddress(req, []);
    expect(clientAddressOf(req)).toBe('203.0.113.9');
  });

  it('behind a trusted balancer, is the address the balancer appended (the last), never one the client wrote', () => {
    const req = request('::ffff:127.0.0.1', '6.6.6.6, 198.51.100.7');
    noteClientAddress(req, ['127.0.0.1']);
    expect(clientAddressOf(req)).toBe('198.51.100.7');
  });

  it('from a peer that is not a trusted balancer, ignores X-Forwarded-For', () => {
    const req = request('198.51.100.7', '127.0.0.1');
    noteClientAddress(req, ['127.0.0.1']);
    expect(clientAddressOf(req)).toBe('198.51.100.7');
  });

  it('is the balancer itself when it forwarded no address', () => {
    const req = request('127.0.0.1');
    noteClientAddress(req, ['127.0.0.1']);
    expect(clientAddressOf(req)).toBe('127.0.0.1');
  });
});
