import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESOURCES, type Resource } from '@/lib/permissions';
import { CRM_RESOURCES } from '@/lib/services/crm-resources';
import { HTTP_METHODS } from '@/lib/api/openapi/define';
import { neededPermission, routeGuard } from '@/lib/api/with-key';

/**
 * The promise of the permission catalogue: every permission it offers opens a real API, and every
 * API is guarded by a permission it offers. A resource "foo_bar" lives at app/crm/foo-bar/.
 */
const APP_CRM = path.resolve(__dirname, '..');

/** Folders under app/crm that are not catalogue resources, and why. */
const NOT_RESOURCES: Record<string, string> = {
  me: 'who the calling key is: any valid key',
  health: 'public health check',
  'openapi.json': 'the public API document',
  '[...unknown]': 'any other path under /crm: 404 not_found in the API error format',
  'secret-scanning': 'leaked-key reports from secret scanners: no key, a verified signature instead',
};

/** Routes inside a resource's folder that are organisation settings, not the resource (docs/access.md rule 8). */
const SETTINGS_ROUTES: Record<string, string> = {
  [path.join('api-keys', 'policy', 'route.ts')]: 'admin',
};

/**
 * Catalogue resources that are not defined with defineCrmResource, and where their routes are:
 * analytics is read-only counts, api_keys and webhooks manage the API itself. ("admin" is not a
 * resource: it is the permission that holds all the others.)
 */
const SPECIAL_RESOURCES: Partial<Record<Resource, string>> = {
  analytics: 'app/crm/analytics/summary (read-only)',
  api_keys: 'app/crm/api-keys',
  webhooks: 'app/crm/webhooks',
};

const folderOf = (resource: string) => resource.replace(/_/g, '-');

function routeFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFilesUnder(full);
    return /^route\.(ts|tsx|js)$/.test(entry.name) ? [full] : [];
  });
}

describe('the permission catalogue and the /crm routes', () => {
  it('has a route folder under app/crm for every catalogue resource', () => {
    for (const r of RESOURCES) {
      const dir = path.join(APP_CRM, folderOf(r.id));
      expect(
        existsSync(dir),
        `${r.id} is in the catalogue but app/crm/${folderOf(r.id)} does not exist`,
      ).toBe(true);
      expect(routeFilesUnder(dir).length, `app/crm/${folderOf(r.id)} has no route.ts`).toBeGreaterThan(0);
    }
  });

  it('has a catalogue entry for every folder under app/crm (the exceptions are listed)', () => {
    const ids = new Set<string>(RESOURCES.map((r) => r.id));
    for (const entry of readdirSync(APP_CRM, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('_') || entry.name in NOT_RESOURCES) continue;
      expect(
        ids.has(entry.name.replace(/-/g, '_')),
        `app/crm/${entry.name} is not a catalogue resource (lib/permissions.ts)`,
      ).toBe(true);
    }
  });

  it("guards every route in a resource's folder with that resource's own permissions", async () => {
    let checked = 0;
    for (const r of RESOURCES) {
      for (const file of routeFilesUnder(path.join(APP_CRM, folderOf(r.id)))) {
        const route = (await import(file)) as Record<string, unknown>;
        for (const method of HTTP_METHODS) {
          const guard = routeGuard(route[method]);
          if (!guard || guard.kind !== 'key') continue;
          const needed = neededPermission(guard.options, method);
          const setting = Object.entries(SETTINGS_ROUTES).find(([suffix]) => file.endsWith(suffix));
          if (setting) expect(needed, `${method} ${file}`).toBe(setting[1]);
          else expect(needed, `${method} ${file}`).toMatch(new RegExp(`^${r.id}:(read|write)$`));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(RESOURCES.length);
  });

  it('defines every other catalogue resource as a CRM resource with its five operations', async () => {
    const defined = CRM_RESOURCES.map((d) => d.resource).sort();
    const expected = RESOURCES.map((r) => r.id)
      .filter((id) => !(id in SPECIAL_RESOURCES))
      .sort();
    expect(defined).toEqual(expected);
    for (const d of CRM_RESOURCES) {
      const dir = path.join(APP_CRM, folderOf(d.resource));
      const collection = (await import(path.join(dir, 'route.ts'))) as Record<string, unknown>;
      const item = (await import(path.join(dir, '[id]', 'route.ts'))) as Record<string, unknown>;
      expect(Object.keys(collection).filter((k) => routeGuard(collection[k]))).toEqual(['GET', 'POST']);
      expect(
        Object.keys(item)
          .filter((k) => routeGuard(item[k]))
          .sort(),
      ).toEqual(['DELETE', 'GET', 'PATCH', 'PUT']);
    }
  });
});
