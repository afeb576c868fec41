/**
 * IpAddress / NotIpAddress: "the IP address or range in standard CIDR format"
 * (reference_policies_elements_condition_operators.html#Conditions_IPAddress). IPv4 and IPv6,
 * parsed here by hand so the evaluator stays free of node:net. A bare address is a /32 or /128.
 */

interface Address {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail4 = parseIpv4(text.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0]!);
  const right = halves.length === 2 ? groupsOf(halves[1]!) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tail4 !== undefined) value = (value & ~0xffffffffn) | tail4;
  return value;
}

function parseAddress(text: string): Address | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/**
 * true/false when both sides parse; null when either is not an address (the condition cannot be
 * evaluated, so neither IpAddress nor NotIpAddress matches). An address of the other family is
 * simply outside the range.
 */
export function cidrContains(cidr: string, address: string): boolean | null {
  const slash = cidr.indexOf('/');
  const network = parseAddress(slash === -1 ? cidr : cidr.slice(0, slash));
  const ip = parseAddress(address);
  if (!network || !ip) return null;
  const bits = network.family === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(bits) : cidr.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return null;
  if (network.family !== ip.family) return false;
  const shift = BigInt(bits - Number(prefixText));
  return network.value >> shift === ip.value >> shift;
}
