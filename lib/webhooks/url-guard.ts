import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard of webhook URLs. A webhook makes this server send requests to a URL a key holder
 * chose, so without it a key could reach the cloud metadata service, the database or an admin port
 * on the private network. It runs at subscription time (a clear 422) and again at delivery time on
 * the very address the socket connects to (a DNS answer can change in between: DNS rebinding).
 *
 *   public     unicast addresses: always allowed
 *   private    loopback, RFC 1918, carrier-grade NAT, IPv6 unique-local: only with WEBHOOKS_ALLOW_PRIVATE=1
 *   forbidden  everything else — link-local (169.254.0.0/16 with the metadata service, fe80::/10),
 *              cloud metadata addresses, unspecified, multicast, broadcast, reserved and tunnel ranges
 */
export type AddressClass = 'public' | 'private' | 'forbidden';

/** Metadata services outside the link-local range: forbidden even when private addresses are allowed. */
const METADATA_ADDRESSES = new Set(['100.100.100.200', 'fd00:ec2::254', '192.0.0.192']);

const PRIVATE_V4 = new Set(['loopback', 'private', 'carrierGradeNat']);
const PRIVATE_V6 = new Set(['loopback', 'uniqueLocal']);
/** IPv6 ranges that carry an IPv4 address in their last 32 bits: judged by that IPv4 address. */
const EMBEDS_V4 = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052']);

/**
 * IANA special-purpose ranges (iana-ipv4/ipv6-special-registry) that ipaddr.js files under "unicast":
 * forbidden. Every other registry entry has its own ipaddr.js range (reserved, benchmarking, as112,
 * amt, orchid2, teredo, 6to4, discard, segmentRouting, …) and so is forbidden below already.
 * - ::/96 — IPv4-compatible IPv6 (RFC 4291 §2.5.5.1, deprecated): ::127.0.0.1 must not reach loopback.
 * - 100:0:0:1::/64 — the dummy IPv6 prefix (RFC 9780).
 */
const SPECIAL_V6 = ['::/96', '100:0:0:1::/64'].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

/**
 * IPv6 text with a dotted IPv4 tail in the canonical hex form: ipaddr.js reads "::127.0.0.1" as the
 * IPv4-mapped ::ffff:127.0.0.1, while a socket connects to ::7f00:1 (IPv4-compatible). WHATWG URL
 * parsing gives the form the network will use.
 */
function canonicalIpv6(address: string): string | null {
  if (!address.includes(':') || !address.includes('.')) return address;
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

export function classifyAddress(raw: string): AddressClass {
  const address = canonicalIpv6(raw);
  if (address === null || !ipaddr.isValid(address)) return 'forbidden';
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    if (v6.zoneId) return 'forbidden';
    if (v6.range() === 'unicast' && SPECIAL_V6.some(([range, bits]) => v6.match(range, bits))) {
      return 'forbidden';
    }
    if (EMBEDS_V4.has(v6.range())) {
      const bytes = v6.toByteArray().slice(12);
      ip = ipaddr.fromByteArray(bytes);
    }
  }
  const normalised = ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toNormalizedString() : ip.toString();
  if (METADATA_ADDRESSES.has(ip.toString()) || METADATA_ADDRESSES.has(normalised)) return 'forbidden';
  const range = ip.range();
  if (range === 'unicast') return 'public';
  if ((ip.kind() === 'ipv4' ? PRIVATE_V4 : PRIVATE_V6).has(range)) return 'private';
  return 'forbidden';
}

export function isAddressAllowed(address: string, allowPrivate: boolean): boolean {
  const c = classifyAddress(address);
  return c === 'public' || (c === 'private' && allowPrivate);
}

export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

export type UrlCheck = { ok: true; url: URL } | { ok: false; message: string };

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** The host as an address when it is an IP literal ("[::1]" → "::1"), else null. */
function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : null;
}

/** The shape of a webhook URL, without DNS: http(s), a host, no credentials. */
export function checkUrlShape(raw: string): UrlCheck {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH)
    return { ok: false, message: `Keep the URL under ${MAX_WEBHOOK_URL_LENGTH} characters.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: 'Enter a full URL, like https://example.com/hooks/crm.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, message: 'The URL must start with http:// or https://.' };
  if (!url.hostname) return { ok: false, message: 'The URL needs a host.' };
  if (url.username || url.password)
    return { ok: false, message: 'The URL cannot contain a user name or password.' };
  return { ok: true, url };
}

/**
 * Whether a webhook may be sent to this URL now: its shape, then every address its host resolves
 * to (one forbidden address is enough to refuse: which one a connection would use is not ours to pick).
 */
export async function checkWebhookUrl(
  raw: string,
  { allowPrivate, resolve = systemResolver }: { allowPrivate: boolean; resolve?: Resolver },
): Promise<UrlCheck> {
  const shape = checkUrlShape(raw);
  if (!shape.ok) return shape;
  const { url } = shape;
  const literal = literalAddress(url.hostname);
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    try {
      addresses = (await resolve(url.hostname)).map((a) => a.address);
    } catch {
      return { ok: false, message: `The host ${url.hostname} could not be resolved.` };
    }
    if (addresses.length === 0) return { ok: false, message: `The host ${url.hostname} has no address.` };
  }
  for (const address of addresses) {
    const c = classifyAddress(address);
    if (c === 'forbidden')
      return { ok: false, message: 'The URL points to a link-local, metadata or reserved address.' };
    if (c === 'private' && !allowPrivate)
      return { ok: false, message: 'The URL points to a private or loopback address.' };
  }
  return { ok: true, url };
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses forbidden addresses at connect time, so the address the
 * guard checked is the address the socket uses (no window for DNS rebinding).
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !isAddressAllowed(a.address, allowPrivate));
        if (refused || addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(
            refused
              ? `Refused to connect to ${hostname}: it resolves to a ${classifyAddress(refused.address)} address.`
              : `The host ${hostname} has no address.`,
          );
          error.code = 'EWEBHOOKADDRESS';
          callback(error, []);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

/** For IP-literal hosts (which skip DNS lookup entirely): the same check, before connecting. */
export function literalHostAllowed(url: URL, allowPrivate: boolean): boolean {
  const literal = literalAddress(url.hostname);
  return literal === null || isAddressAllowed(literal, allowPrivate);
}
