import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** A CIDR range (`10.0.0.0/8`, `2001:db8::/32`) as CodePipeline's `AllowedIPRange`, or why it is not one. */
export function parseIpRange(range: string): { ok: true; contains(address: string): boolean } | { ok: false; problem: string } {
  const [address, prefixText, extra] = range.split('/');
  const family = address && isIPv4(address) ? 'ipv4' : address && isIPv6(address) ? 'ipv6' : undefined;
  const max = family === 'ipv4' ? 32 : 128;
  const prefix = Number(prefixText);
  if (!family || extra !== undefined || prefixText === undefined || !/^\d{1,3}$/.test(prefixText) || prefix > max) {
    return { ok: false, problem: `'${range}' is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32` };
  }
  const list = new BlockList();
  list.addSubnet(address!, prefix, family);
  return {
    ok: true,
    contains(candidate) {
      // A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
      const plain = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(candidate)?.[1] ?? candidate;
      const candidateFamily = isIPv4(plain) ? 'ipv4' : isIPv6(plain) ? 'ipv6' : undefined;
      return candidateFamily !== undefined && list.check(plain, candidateFamily);
    },
  };
}
