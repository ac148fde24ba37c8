import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // PGlite ships WASM and data files that must be loaded from node_modules at run time, not bundled.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'postgres'],
  poweredByHeader: false,
  // forbidden() renders app/forbidden.tsx with a real 403 status for signed-in users without the role.
  experimental: { authInterrupts: true },
};

export default nextConfig;
