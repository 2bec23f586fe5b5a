/**
 * IP address classification for "never seen this network before" features. Hand-written parsing
 * (src/core stays free of node:net): linear scans over short, length-capped strings, no regular
 * expressions, never throws. Accepts dotted-quad IPv4 (decimal octets, no leading zeros, since
 * "010" is octal to some parsers and therefore ambiguous) and RFC 4291 IPv6 text, including `::`
 * compression, an embedded dotted-quad tail, surrounding brackets ("[::1]") and a zone index
 * ("fe80::1%eth0"). Ports, CIDR suffixes and hostnames are rejected.
 */

type Parsed = { readonly v: 4; readonly octets: readonly number[] } | { readonly v: 6; readonly groups: readonly number[] };

/** The longest valid IPv6 text is 45 characters ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"), plus brackets and a zone. */
const MAX_INPUT_LENGTH = 100;

function parseIpv4(s: string): number[] | undefined {
  if (s.length < 7 || s.length > 15) return undefined;
  const octets: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; /* virtual trailing '.' */
    if (c === 46) {
      if (digits === 0 || value > 255) return undefined;
      octets.push(value);
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && value === 0) return undefined; // leading zero
      value = value * 10 + (c - 48);
      if (++digits > 3) return undefined;
    } else {
      return undefined;
    }
  }
  return octets.length === 4 ? octets : undefined;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseHexGroup(part: string): number | undefined {
  if (part.length === 0 || part.length > 4) return undefined;
  let value = 0;
  for (let i = 0; i < part.length; i++) {
    const h = hexValue(part.charCodeAt(i));
    if (h < 0) return undefined;
    value = value * 16 + h;
  }
  return value;
}

/** Parses the colon-separated parts of one side of `::` into 16-bit groups; only the very last part of the address may be a dotted quad. */
function parseGroups(side: string, mayEndWithIpv4: boolean): number[] | undefined {
  if (side === '') return [];
  const parts = side.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (mayEndWithIpv4 && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (!v4) return undefined;
      groups.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
    } else {
      const g = parseHexGroup(part);
      if (g === undefined) return undefined;
      groups.push(g);
    }
  }
  return groups;
}

function parseIpv6(s: string): number[] | undefined {
  if (s.length < 2 || s.length > 45) return undefined;
  const gap = s.indexOf('::');
  if (gap < 0) {
    const groups = parseGroups(s, true);
    return groups && groups.length === 8 ? groups : undefined;
  }
  if (s.indexOf('::', gap + 1) >= 0) return undefined; // at most one '::' (this also rejects ':::')
  const tail = s.slice(gap + 2);
  const head = parseGroups(s.slice(0, gap), false);
  const rest = parseGroups(tail, true);
  if (!head || !rest || head.length + rest.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

function parse(input: string): Parsed | undefined {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return undefined;
  let s = input.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (!s.includes(':')) {
    const octets = parseIpv4(s);
    return octets ? { v: 4, octets } : undefined;
  }
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const groups = parseIpv6(s);
  if (!groups) return undefined;
  // IPv4-mapped IPv6 (::ffff:a.b.c.d, RFC 4291 §2.5.5.2) is the IPv4 host: classify and key it as such.
  if (groups[5] === 0xffff && groups.slice(0, 5).every((g) => g === 0)) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return { v: 4, octets: [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff] };
  }
  return { v: 6, groups };
}

function isPrivateV4(o: readonly number[]): boolean {
  const a = o[0] ?? 0;
  const b = o[1] ?? 0;
  return (
    a === 10 || // RFC 1918
    (a === 172 && b >= 16 && b <= 31) || // RFC 1918
    (a === 192 && b === 168) || // RFC 1918
    a === 127 || // loopback, RFC 1122
    (a === 169 && b === 254) || // link-local, RFC 3927
    (a === 100 && b >= 64 && b <= 127) // carrier-grade NAT shared space, RFC 6598
  );
}

function isLoopbackV6(g: readonly number[]): boolean {
  return g[7] === 1 && g.slice(0, 7).every((x) => x === 0);
}

const isUniqueLocalV6 = (g: readonly number[]): boolean => ((g[0] ?? 0) & 0xfe00) === 0xfc00; // fc00::/7, RFC 4193
const isLinkLocalV6 = (g: readonly number[]): boolean => ((g[0] ?? 0) & 0xffc0) === 0xfe80; // fe80::/10, RFC 4291

/**
 * True for addresses that are not globally routable host addresses of their own: IPv4 RFC 1918
 * (10/8, 172.16/12, 192.168/16), loopback 127/8, link-local 169.254/16 and CGNAT 100.64/10; IPv6
 * loopback ::1, unique-local fc00::/7 and link-local fe80::/10; and IPv4-mapped IPv6 forms of the
 * IPv4 ones (::ffff:10.0.0.1). False for public addresses and for anything that does not parse.
 */
export function isPrivateIp(ip: string): boolean {
  const p = parse(ip);
  if (!p) return false;
  if (p.v === 4) return isPrivateV4(p.octets);
  return isLoopbackV6(p.groups) || isUniqueLocalV6(p.groups) || isLinkLocalV6(p.groups);
}

/** RFC 5952 text: lower-case hex, no leading zeros, the longest run (≥ 2) of zero groups compressed, the first on a tie. */
function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function prefixV6(groups: readonly number[], keepGroups: number, bits: number): string {
  const masked = groups.map((g, i) => (i < keepGroups ? g : 0));
  return `${formatIpv6(masked)}/${bits}`;
}

/**
 * The network an address belongs to, as a canonical CIDR string, for "first use of a network"
 * features; `undefined` if the input is not an IP address.
 *
 * - Public IPv4 → its /24 ("203.0.113.0/24"): the smallest block routed and geolocated as a unit,
 *   so one office NAT or one cloud subnet is one network.
 * - Private IPv4 (RFC 1918, loopback, link-local, CGNAT) → its /16 ("10.42.0.0/16"): Kubernetes pod
 *   and node IPs are drawn from a cluster CIDR (typically a /16) and rotate freely within it, so a
 *   /24 would raise "new network" every time a pod is rescheduled onto another node's range.
 * - Public IPv6 → its /48 ("2001:db8:1234::/48"): the usual site allocation; a /64 changes with
 *   every subnet (and, on mobile networks, every session), a /32 lumps whole ISPs together.
 * - Unique-local IPv6 (fc00::/7) → its /48, i.e. the 40-bit random Global ID that RFC 4193 assigns
 *   per site. The 16-bit subnet ID below it, which selects the /64, is exactly what changes when
 *   pods move between per-node /64s, so the key deliberately does not depend on it. Link-local
 *   (fe80::/10) → "fe80::/10": every interface ID there is arbitrary, the only network is "this link".
 *   Loopback → "::1/128".
 * - IPv4-mapped IPv6 (::ffff:a.b.c.d) → the key of the IPv4 address, so both spellings agree.
 */
export function networkKey(ip: string): string | undefined {
  const p = parse(ip);
  if (!p) return undefined;
  if (p.v === 4) {
    const [a, b, c] = p.octets;
    return isPrivateV4(p.octets) ? `${a}.${b}.0.0/16` : `${a}.${b}.${c}.0/24`;
  }
  const g = p.groups;
  if (isLoopbackV6(g)) return '::1/128';
  if (isLinkLocalV6(g)) return 'fe80::/10';
  return prefixV6(g, 3, 48);
}
