import ipaddr from 'ipaddr.js';

/**
 * The client's address. The server (server.mjs) stamps every request with the socket's peer address in
 * `x-crm-peer`, overwriting anything a client sent. X-Forwarded-For is believed only when that peer is
 * one of TRUSTED_PROXIES (addresses or CIDR ranges, comma-separated; default none): then the client is
 * the right-most entry that is not itself a trusted proxy. Anything a client can type is never trusted.
 */
export const PEER_HEADER = 'x-crm-peer';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseRanges(value: string | undefined): Range[] {
  const ranges: Range[] = [];
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    try {
      ranges.push(entry.includes('/') ? ipaddr.parseCIDR(entry) : whole(ipaddr.parse(entry)));
    } catch {
      throw new Error(`TRUSTED_PROXIES: "${entry}" is not an IP address or CIDR range.`);
    }
  }
  return ranges;
}

function whole(address: ipaddr.IPv4 | ipaddr.IPv6): Range {
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}

let trusted: { source: string | undefined; ranges: Range[] } | null = null;
function trustedProxies(): Range[] {
  const source = process.env.TRUSTED_PROXIES;
  if (!trusted || trusted.source !== source) trusted = { source, ranges: parseRanges(source) };
  return trusted.ranges;
}

/**
 * Addresses already normalised, by the text they arrived as: every request asks for its peer's, and
 * parsing it (ipaddr.js, twice) cost more than the rest of a cached key check's header work. Bounded:
 * only text that could be an address (≤ 64 characters) is kept, and the map is emptied when full, so
 * a stream of distinct values costs a parse each and at most ~1 MB.
 */
const normalised = new Map<string, string | null>();
const NORMALISED_MAX = 10_000;

/** An address in canonical form: IPv4-mapped IPv6 (::ffff:1.2.3.4) as plain IPv4; null if not an IP. */
export function normaliseAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const known = normalised.get(value);
  if (known !== undefined) return known;
  const address = parseAddress(value);
  if (value.length > 64) return address;
  if (normalised.size >= NORMALISED_MAX) normalised.clear();
  normalised.set(value, address);
  return address;
}

function parseAddress(value: string): string | null {
  const text = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(text)) return null;
  return ipaddr.process(text).toString();
}

function isTrusted(address: string, ranges: Range[]): boolean {
  if (ranges.length === 0) return false;
  const parsed = ipaddr.process(address);
  return ranges.some(([range, bits]) => parsed.kind() === range.kind() && parsed.match(range, bits));
}

/** The client's address for a request's headers (null when it cannot be known, e.g. outside server.mjs). */
export function clientAddress(headers: Headers, proxies: Range[] = trustedProxies()): string | null {
  const peer = normaliseAddress(headers.get(PEER_HEADER));
  if (!peer) return null;
  if (!isTrusted(peer, proxies)) return peer;
  const forwarded = (headers.get('x-forwarded-for') ?? '').split(',');
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = normaliseAddress(forwarded[i]);
    if (!hop) return peer; // a garbled entry: stop believing the chain
    if (!isTrusted(hop, proxies)) return hop;
  }
  return peer;
}

/** Whether the direct peer is a trusted proxy (then X-Forwarded-Host/-Proto may be believed too). */
export function peerIsTrustedProxy(headers: Headers): boolean {
  const peer = normaliseAddress(headers.get(PEER_HEADER));
  return peer !== null && isTrusted(peer, trustedProxies());
}

export const parseTrustedProxies = parseRanges;
