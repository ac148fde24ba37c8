import { and, inArray } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { apiKeys } from '@/db/schema';
import {
  API_KEY_DISPLAY_STATUSES,
  DAY_MS,
  EXPIRING_SOON_DAYS,
  UNUSED_AFTER_DAYS,
  displayStatus,
  isUnused,
} from '@/lib/keys/lifecycle';
import { createWorld } from '@/test/fixtures';
import { keyStatusConditions } from './key-status';

/**
 * The lifecycle rules exist once in JS (lib/keys/lifecycle.ts) and are rendered to SQL from the same
 * constants (key-status.ts). On a grid of statuses and dates around every boundary, both must put each
 * key in the same place.
 */
const now = new Date('2027-03-01T12:00:00.000Z');
const offsets = (days: number) => [-1, 0, 1].map((ms) => days * DAY_MS + ms);
const expiryGrid: (Date | null)[] = [
  null,
  ...[-400, -1, 1, EXPIRING_SOON_DAYS - 1, EXPIRING_SOON_DAYS + 1, 400].map(
    (d) => new Date(now.getTime() + d * DAY_MS),
  ),
  ...[...offsets(0), ...offsets(EXPIRING_SOON_DAYS)].map((ms) => new Date(now.getTime() + ms)),
];
const usedGrid: (Date | null)[] = [
  null,
  ...[...offsets(-UNUSED_AFTER_DAYS), -2 * DAY_MS, -90 * DAY_MS].map((ms) => new Date(now.getTime() + ms)),
];
const createdGrid = [-1, -UNUSED_AFTER_DAYS, -UNUSED_AFTER_DAYS - 1].map(
  (d) => new Date(now.getTime() + d * DAY_MS),
);

type Case = {
  status: 'active' | 'disabled' | 'revoked';
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  createdAt: Date;
};

let ids: string[] = [];
const cases = new Map<string, Case>();

beforeAll(async () => {
  const w = await createWorld();
  const rows: (Case & { name: string })[] = [];
  for (const status of ['active', 'disabled', 'revoked'] as const)
    for (const expiresAt of expiryGrid)
      for (const lastUsedAt of usedGrid)
        for (const createdAt of createdGrid)
          rows.push({ status, expiresAt, lastUsedAt, createdAt, name: `grid ${rows.length}` });
  const inserted = await db
    .insert(apiKeys)
    .values(
      rows.map((r) => ({
        ...r,
        organisationId: w.orgA.id,
        keyHash: randomBytes(32).toString('hex'),
        prefix: 'sk_live_',
        lastFour: 'abcd',
        permissions: ['customers:read'],
      })),
    )
    .returning({ id: apiKeys.id });
  ids = inserted.map((r) => r.id);
  inserted.forEach((r, i) => cases.set(r.id, rows[i]));
});

async function idsWhere(condition: ReturnType<typeof keyStatusConditions>['usable']): Promise<Set<string>> {
  const found = await db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(and(inArray(apiKeys.id, ids), condition));
  return new Set(found.map((r) => r.id));
}

describe('key lifecycle: JS and SQL agree', () => {
  it(`classify ${expiryGrid.length * usedGrid.length * createdGrid.length * 3} keys into the same display status`, async () => {
    const sql = keyStatusConditions(now);
    for (const status of API_KEY_DISPLAY_STATUSES) {
      const inSql = await idsWhere(sql.display[status]);
      const inJs = new Set(ids.filter((id) => displayStatus(cases.get(id)!, now) === status));
      expect([...inSql].sort(), status).toEqual([...inJs].sort());
    }
  });

  it('agree on unused, usable, current and ended', async () => {
    const sql = keyStatusConditions(now);
    const js = (pick: (c: Case) => boolean) => ids.filter((id) => pick(cases.get(id)!)).sort();
    const usable = (c: Case) => ['active', 'expiring_soon'].includes(displayStatus(c, now));
    expect([...(await idsWhere(sql.unused))].sort()).toEqual(js((c) => isUnused(c, now)));
    expect([...(await idsWhere(sql.usable))].sort()).toEqual(js(usable));
    expect([...(await idsWhere(sql.current))].sort()).toEqual(
      js((c) => usable(c) || displayStatus(c, now) === 'disabled'),
    );
    expect([...(await idsWhere(sql.ended))].sort()).toEqual(
      js((c) => ['revoked', 'expired'].includes(displayStatus(c, now))),
    );
  });

  it('every key has exactly one display status in SQL', async () => {
    const sql = keyStatusConditions(now);
    let total = 0;
    for (const status of API_KEY_DISPLAY_STATUSES) total += (await idsWhere(sql.display[status])).size;
    expect(total).toBe(ids.length);
  });
});
