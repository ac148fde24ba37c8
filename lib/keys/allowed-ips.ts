import ipaddr from 'ipaddr.js';

/**
 * A key's IP allowlist: single addresses or CIDR ranges, IPv4 and IPv6. Pure (no app imports), shared
 * by validation (what an admin may save) and the key check (whether a request's address is in it).
 */
type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export const MAX_ALLOWED_IPS = 100;
export const ALLOW_ALL_MESSAGE =
  'This range allows every address. To allow the key from anywhere, leave the list empty: empty means anywhere.';

/**
 * One entry in canonical form ("203.0.113.0/24", "2001:db8::/32", "198.51.100.7"), or an error message.
 * IPv4-mapped IPv6 addresses become IPv4; a range is stored by its network address.
 */
export function normaliseAllowedIp(
  input: string,
): { ok: true; value: string } | { ok: false; message: string } {
  const entry = input.trim();
  if (!entry) return { ok: false, message: 'Enter an IP address or a CIDR range.' };
  if (entry.includes('/')) {
    if (!ipaddr.isValidCIDR(entry)) return { ok: false, message: `"${entry}" is not a valid CIDR range.` };
    const [address, bits] = ipaddr.parseCIDR(entry);
    if (bits === 0) return { ok: false, message: ALLOW_ALL_MESSAGE };
    const network =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(entry)
        : ipaddr.IPv6.networkAddressFromCIDR(entry);
    const full = address.kind() === 'ipv4' ? 32 : 128;
    return { ok: true, value: bits === full ? network.toString() : `${network.toString()}/${bits}` };
  }
  if (!ipaddr.isValid(entry)) return { ok: false, message: `"${entry}" is not a valid IP address.` };
  return { ok: true, value: ipaddr.process(entry).toString() };
}

// Parsed ranges per entry: allowlists are few and small, so the key check parses each entry once.
const parsed = new Map<string, Range>();
function rangeOf(entry: string): Range | null {
  let range = parsed.get(entry);
  if (!range) {
    try {
      range = entry.includes('/')
        ? ipaddr.parseCIDR(entry)
        : (() => {
            const a = ipaddr.process(entry);
            return [a, a.kind() === 'ipv4' ? 32 : 128] as Range;
          })();
    } catch {
      return null;
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(entry, range);
  }
  return range;
}

/**
 * Whether `address` (the client address from lib/api/client-address.ts) is in the allowlist. An
 * unknown address is never allowed: a key with an allowlist fails closed.
 */
export function addressAllowed(allowed: readonly string[], address: string | null): boolean {
  if (!address || !ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  for (const entry of allowed) {
    const range = rangeOf(entry);
    if (range && range[0].kind() === ip.kind() && ip.match(range)) return true;
  }
  return false;
}
