import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '@/db';
import { idempotencyKeys } from '@/db/schema';
import { requestFingerprint, runIdempotent } from './idempotency';

describe('idempotent creates on a real database', () => {
  it('runs once, replays the same response, and keeps it encrypted', async () => {
    let runs = 0;
    const input = { caller: 'key:a', key: 'k-1', fingerprint: requestFingerprint('POST', '/x', '{"a":1}') };
    const create = async () => {
      runs += 1;
      return { status: 201, body: { secret: `sk_live_secret_${runs}` } };
    };
    const first = await runIdempotent(input, create);
    const second = await runIdempotent(input, create);
    expect(runs).toBe(1);
    expect(first).toMatchObject({ status: 201, replayed: false });
    expect(second).toEqual({ status: 201, body: first.body, replayed: true });
    const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'k-1'));
    expect(row.response).not.toContain('sk_live_secret');
    expect(row.expiresAt.getTime() - Date.now()).toBeGreaterThan(23 * 3600 * 1000);
  });

  it('refuses the same key with another request, and keeps callers apart', async () => {
    const create = async () => ({ status: 201, body: { ok: true } });
    await runIdempotent({ caller: 'key:b', key: 'k-2', fingerprint: 'one' }, create);
    await expect(
      runIdempotent({ caller: 'key:b', key: 'k-2', fingerprint: 'two' }, create),
    ).rejects.toMatchObject({
      code: 'idempotency_conflict',
    });
    await expect(
      runIdempotent({ caller: 'key:c', key: 'k-2', fingerprint: 'two' }, create),
    ).resolves.toMatchObject({
      replayed: false,
    });
  });

  it('releases the key when the request fails, and lets two concurrent requests run only once', async () => {
    const failing = async (): Promise<never> => {
      throw new Error('boom');
    };
    await expect(runIdempotent({ caller: 'key:d', key: 'k-3', fingerprint: 'f' }, failing)).rejects.toThrow(
      'boom',
    );
    // The first request holds the key until the second has been answered: no timing assumptions.
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async () => {
      runs += 1;
      await gate;
      return { status: 201, body: { n: runs } };
    };
    const first = runIdempotent({ caller: 'key:d', key: 'k-3', fingerprint: 'f' }, slow);
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await runIdempotent({ caller: 'key:d', key: 'k-3', fingerprint: 'f' }, slow).catch(
      (e: unknown) => e,
    );
    release();
    await expect(first).resolves.toMatchObject({ status: 201 });
    expect(runs).toBe(1);
    expect(second).toMatchObject({ code: 'conflict' });
  });

  it('refuses unprintable or overlong keys', async () => {
    const create = async () => ({ status: 201, body: {} });
    for (const key of ['', 'x'.repeat(256), 'tab\there']) {
      await expect(runIdempotent({ caller: 'key:e', key, fingerprint: 'f' }, create)).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
  });
});
