import type { NextConfig } from 'next';
import { API_CONTENT_SECURITY_POLICY, HSTS, STATIC_SECURITY_HEADERS } from './lib/security-headers';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time, not bundled.
  // pino and prom-client: one instance per process, shared by every bundle (lib/log, lib/metrics).
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@node-rs/argon2',
    'postgres',
    'pino',
    'prom-client',
    // Loads drizzle-orm with a dynamic import() of a computed name, which a bundler cannot follow.
    'rate-limiter-flexible',
    'ioredis',
  ],
  poweredByHeader: false,
  // Security headers on every response, without a proxy on the API's hot path (lib/security-headers.ts);
  // pages get their nonce-based CSP from proxy.ts.
  async headers() {
    return [
      { source: '/:path*', headers: [...STATIC_SECURITY_HEADERS] },
      {
        source: '/crm/:path*',
        headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }],
      },
      {
        source: '/api/:path*',
        headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }],
      },
      // The benchmark's unprotected twin of GET /crm/me answers with the same headers as the API.
      {
        source: '/ping',
        headers: [{ key: 'Content-Security-Policy', value: API_CONTENT_SECURITY_POLICY }],
      },
      {
        source: '/:path*',
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [HSTS],
      },
    ];
  },
  // forbidden() renders app/forbidden.tsx with a real 403 status for signed-in users without the role.
  experimental: { authInterrupts: true },
  turbopack: {
    // Swagger UI (swagger-ui-react) resolves OpenAPI 3.1 documents with ApiDOM, whose ES modules
    // attach `refract` to their classes in a side-effect module that Turbopack's re-export
    // optimisation skips: "refract is not a function" and operations never load
    // (swagger-api/swagger-ui#10599, vercel/next.js#86507). The CommonJS build of swagger-client,
    // which loads ApiDOM through require(), runs those registrations.
    resolveAlias: Object.fromEntries(
      [
        'execute',
        'helpers',
        'http',
        'resolver',
        'resolver/strategies/generic',
        'resolver/strategies/json-schema-2020-12-apidom',
        'resolver/strategies/openapi-2',
        'resolver/strategies/openapi-3-0',
        'resolver/strategies/openapi-3-1-apidom',
        'resolver/strategies/openapi-3-2-apidom',
        'subtree-resolver',
      ].map((path) => [`swagger-client/es/${path}`, `swagger-client/lib/${path}`]),
    ),
  },
};

export default nextConfig;
