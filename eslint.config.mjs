import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/** The import map of docs/architecture.md: a wrong import fails lint. */
const layers = [
  {
    target: ['./lib', './db', './components'],
    from: './app',
    message: 'Imports flow down: nothing in lib/, db/ or components/ imports app/.',
  },
  {
    target: './lib/keys',
    from: ['./app', './components', './db', './lib'],
    except: ['./keys', './permissions.ts', './access.ts'],
    message:
      'lib/keys is the pure key core: it imports nothing of the app but lib/permissions and the (pure) policy lib/access.',
  },
  {
    target: './components',
    from: ['./db/index.ts', './db/queries', './lib/services', './lib/api', './lib/auth', './lib/key-check'],
    message:
      'components/ holds presentational pieces: no services, database or server actions. Feature code (and its actions.ts) lives with its pages under app/.',
  },
  {
    target: './components/ui',
    from: './components',
    except: ['./ui'],
    message: 'components/ui holds dumb pieces: no feature components.',
  },
  {
    target: './lib/validation',
    from: ['./lib/services', './lib/api', './lib/auth', './components'],
    message:
      'lib/validation sits below the services: a type both need is declared here (or inferred from a schema), never imported from a service.',
  },
  {
    target: './lib/services',
    from: './lib/api',
    message: 'Services know no HTTP: throw AppError (lib/errors); the edge maps it.',
  },
  {
    target: './db',
    from: ['./lib/services', './lib/api', './lib/auth', './lib/access.ts', './components'],
    except: ['./password.ts'],
    message: 'db/ is below the services: queries and schema only.',
  },
  {
    target: ['./lib/access.ts', './lib/actor.ts', './lib/errors.ts'],
    from: ['./lib/services', './lib/api', './lib/auth', './components'],
    message: 'Identity, policy and errors sit below the services.',
  },
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // Playwright fixtures call their callback `use`, which is not React's hook.
  { files: ['e2e/**'], rules: { 'react-hooks/rules-of-hooks': 'off' } },
  {
    files: ['**/*.{ts,tsx,mjs}'],
    ignores: ['**/*.test.ts'],
    rules: { 'import/no-restricted-paths': ['error', { zones: layers }] },
  },
  globalIgnores([
    '.next/**',
    'node_modules/**',
    '.data/**',
    'drizzle/**',
    'next-env.d.ts',
    'test-results/**',
    'playwright-report/**',
  ]),
]);
