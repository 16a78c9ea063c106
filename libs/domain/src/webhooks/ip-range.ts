/**
 * CodePipeline's `AllowedIPRange`: a CIDR range (`10.0.0.0/8`, `2001:db8::/32`). Pure (no node:net): the pipelines
 * service's domain checks the range when a webhook is put, the triggers match senders against it.
 */

/** The 4 or 16 bytes of an IPv4 or IPv6 address, or undefined. `::ffff:a.b.c.d` is read as the IPv4 address. */
export function parseIpAddress(text: string): number[] | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  return parseIpv4(mapped ? mapped[1]! : text) ?? parseIpv6(text);
}

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.map(Number);
}

function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.split('::').length > 2) return undefined;
  const groupsOf = (side: string): number[] | undefined => {
    if (side === '') return [];
    const bytes: number[] = [];
    const pieces = side.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        bytes.push(...v4);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        const value = parseInt(piece, 16);
        bytes.push(value >> 8, value & 0xff);
      } else return undefined;
    }
    return bytes;
  };
  const [head, tail] = text.split('::');
  const left = groupsOf(head!);
  const right = tail === undefined ? [] : groupsOf(tail);
  if (!left || !right) return undefined;
  if (tail === undefined) return left.length === 16 ? left : undefined;
  const missing = 16 - left.length - right.length;
  return missing >= 2 ? [...left, ...Array<number>(missing).fill(0), ...right] : undefined;
}

/** A CIDR range, or why it is not one. */
export function parseIpRange(range: string): { ok: true; contains(address: string): boolean } | { ok: false; problem: string } {
  const [addressText, prefixText, extra] = range.split('/');
  const mapped = addressText !== undefined && /^::ffff:/i.test(addressText);
  const network = addressText === undefined || mapped ? undefined : (parseIpv4(addressText) ?? parseIpv6(addressText));
  const bits = network ? network.length * 8 : 0;
  if (!network || extra !== undefined || prefixText === undefined || !/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
    return { ok: false, problem: `'${range}' is not a CIDR range such as 10.0.0.0/8 or 2001:db8::/32` };
  }
  const prefix = Number(prefixText);
  return {
    ok: true,
    contains(candidate) {
      const address = parseIpAddress(candidate);
      if (!address || address.length !== network.length) return false;
      for (let bit = 0; bit < prefix; bit++) {
        const mask = 0x80 >> bit % 8;
        if ((address[bit >> 3]! & mask) !== (network[bit >> 3]! & mask)) return false;
      }
      return true;
    },
  };
}
