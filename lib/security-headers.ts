/**
 * The security headers of every response (issue 13). Static ones are set by next.config.ts headers()
 * for every path — no proxy on the /crm hot path; the pages' CSP carries a per-request nonce and is
 * set by proxy.ts.
 */

/**
 * The pages' Content-Security-Policy. Scripts: only those carrying this request's nonce (Next's own),
 * and what they load ('strict-dynamic'); no 'unsafe-inline' scripts anywhere — Swagger UI is bundled
 * React and needs none. Styles allow 'unsafe-inline': React style attributes (charts, Swagger UI) are
 * inline styles, and styles cannot run code. Development adds 'unsafe-eval' for React's dev tooling.
 */
export function contentSecurityPolicy(nonce: string, development = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** What any response may need: no framing, no sniffing, no full referrers, no powerful features. */
export const STATIC_SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  {
    key: 'Permissions-Policy',
    value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
  },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
] as const;

/** JSON and other non-HTML responses: nothing to load, nothing to frame. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/**
 * HSTS, only when the request came over HTTPS (a TLS-terminating proxy says so in X-Forwarded-Proto;
 * browsers ignore the header on plain HTTP anyway, so a forged value gains nothing).
 */
export const HSTS = { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' };
