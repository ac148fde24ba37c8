import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { auditEvents, keyUsageHourly } from '@/db/schema';
import { readEnv } from '@/lib/env';
import { claimEmbeddedDatabase, embeddedDatabaseHolder } from './embedded-lock';
import { formatCredentials, seedIfEmpty } from './seed';

describe('the first start (demo)', () => {
  it('creates 30 days of usage, one unused key and the audit history of the demo', async () => {
    const credentials = await seedIfEmpty(db, { ...readEnv(), DEMO_PASSWORD: 'demo-password' });
    expect(credentials?.length).toBe(4);

    const hours = await db.select().from(keyUsageHourly);
    const keysUsed = new Set(hours.map((h) => h.keyId));
    expect(keysUsed.size).toBe(4);
    const oldest = Math.min(...hours.map((h) => h.hour.getTime()));
    expect(Date.now() - oldest).toBeGreaterThan(29 * 86_400_000);
    const totals = hours.reduce(
      (t, h) => ({
        success: t.success + h.success,
        denied: t.denied + h.denied,
        limited: t.limited + h.rateLimited,
      }),
      { success: 0, denied: 0, limited: 0 },
    );
    expect(totals.success).toBeGreaterThan(10 * totals.denied);
    expect(totals.denied).toBeGreaterThan(0);
    expect(totals.limited).toBeGreaterThan(0);

    const events = await db.select().from(auditEvents);
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['key.created', 'key.updated', 'key.regenerated', 'key.revoked']),
    );
    // Never a secret in the history.
    expect(JSON.stringify(events)).not.toMatch(/sk_live_[A-Za-z0-9]{38}/);

    const printed = formatCredentials(credentials!, 'http://localhost:3000');
    expect(printed).toContain('http://localhost:3000/login');
    expect(printed).toContain('Organisations: Acme Telecom, Globex Networks');
  });

  it('knows when a live process holds the embedded database folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crm-lock-'));
    try {
      expect(embeddedDatabaseHolder(dir)).toBeNull();
      claimEmbeddedDatabase(dir);
      // This process is the holder: it may use the folder itself.
      expect(embeddedDatabaseHolder(dir)).toBeNull();
      // Another live process (the parent) holding it: refused.
      writeFileSync(path.join(dir, 'app.pid'), String(process.ppid));
      expect(embeddedDatabaseHolder(dir)).toBe(process.ppid);
      // A stale file from a crashed process: free.
      writeFileSync(path.join(dir, 'app.pid'), '999999999');
      expect(embeddedDatabaseHolder(dir)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
