import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/db';
import { auditEvents } from '@/db/schema';
import { auditLogQuerySchema } from '@/lib/validation/audit';
import { createApiKeySchema, updateApiKeySchema } from '@/lib/validation/api-keys';
import { createWorld } from '@/test/fixtures';
import { createApiKey, updateApiKey } from './api-keys';
import { exportAuditLogCsv, listAuditLog } from './audit';

type World = Awaited<ReturnType<typeof createWorld>>;
let w: World;
let keyA: { id: string; name: string; visibleId: string };
let secretA: string;

const query = (q: Record<string, unknown> = {}) => auditLogQuerySchema.parse(q);

async function collect(lines: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const line of lines) out += line;
  return out;
}

beforeAll(async () => {
  w = await createWorld();
  const created = await createApiKey(
    w.adminA.actor,
    createApiKeySchema.parse({ name: 'Audit me', permissions: ['customers:read'], tenants: [w.orgA.id] }),
    { ip: '198.51.100.1', userAgent: 'curl/8' },
  );
  keyA = created.key;
  secretA = created.secret;
  await updateApiKey(w.adminA.actor, keyA.id, updateApiKeySchema.parse({ description: 'now described' }));
  await createApiKey(
    w.adminB.actor,
    createApiKeySchema.parse({ name: 'Globex key', permissions: ['leads:read'], tenants: [w.orgB.id] }),
  );
});

describe('audit log', () => {
  it('shows admins their organisation only, superadmins everything', async () => {
    const mine = await listAuditLog(w.adminA.actor, query());
    expect(mine.events.every((e) => e.organisationId === w.orgA.id)).toBe(true);
    expect(mine.events.map((e) => e.action)).toEqual(expect.arrayContaining(['key.created', 'key.updated']));
    expect(mine.events.some((e) => e.targetLabel?.includes('Globex key'))).toBe(false);
    const theirs = await listAuditLog(w.adminB.actor, query());
    expect(theirs.events.map((e) => e.targetLabel)).toEqual([expect.stringContaining('Globex key')]);
    const all = await listAuditLog(w.superadmin.actor, query());
    expect(all.total).toBeGreaterThanOrEqual(mine.total + theirs.total);
    await expect(listAuditLog(w.userA.actor, query())).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('filters by actor, action, target key and date range, newest first', async () => {
    const byAction = await listAuditLog(w.adminA.actor, query({ action: 'key.updated' }));
    expect(byAction.events).toHaveLength(1);
    expect(byAction.events[0]).toMatchObject({
      actorType: 'user',
      actorLabel: w.adminA.user.email,
      targetId: keyA.id,
      changes: { description: { before: '', after: 'now described' } },
    });
    const byTargetId = await listAuditLog(w.adminA.actor, query({ target: keyA.id }));
    expect(byTargetId.events.map((e) => e.action)).toEqual(['key.updated', 'key.created']);
    const byVisibleId = await listAuditLog(w.adminA.actor, query({ target: keyA.visibleId }));
    expect(byVisibleId.total).toBe(2);
    const byActor = await listAuditLog(
      w.superadmin.actor,
      query({ actor: w.adminB.user.email.slice(0, 12) }),
    );
    expect(byActor.events.every((e) => e.actorLabel === w.adminB.user.email)).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAuditLog(w.adminA.actor, query({ from: today, to: today }))).total).toBe(2);
    expect((await listAuditLog(w.adminA.actor, query({ to: '2020-01-01' }))).total).toBe(0);
    for (const from of ['2026-02-30', '2026-13-01', '26-01-01', 'yesterday']) {
      expect(auditLogQuerySchema.safeParse({ from }).success).toBe(false);
    }
    expect(auditLogQuerySchema.safeParse({ from: '2026-02-02', to: '2026-02-01' }).success).toBe(false);
    // LIKE wildcards in a filter are taken literally.
    expect((await listAuditLog(w.adminA.actor, query({ actor: '%' }))).total).toBe(0);
  });

  it('pages on the server', async () => {
    const first = await listAuditLog(w.superadmin.actor, query({ page: 1 }), 1);
    const second = await listAuditLog(w.superadmin.actor, query({ page: 2 }), 1);
    expect(first.events).toHaveLength(1);
    expect(first.pages).toBe(first.total);
    expect(second.events[0].id).toBeLessThan(first.events[0].id);
  });

  it('exports the filtered view as CSV, without secrets', async () => {
    const csv = await collect(exportAuditLogCsv(w.adminA.actor, query({ target: keyA.id })));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'time,organisation_id,organisation,actor_type,actor_id,actor,action,target_type,target_id,target,ip,user_agent,changes',
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(',key.updated,');
    expect(lines[2]).toContain(',key.created,');
    expect(lines[2]).toContain('198.51.100.1,curl/8');
    expect(csv).not.toContain(secretA);
    expect(() => exportAuditLogCsv(w.userA.actor, query())).toThrow();
  });

  it('streams an export larger than one batch', async () => {
    const rows = Array.from({ length: 1205 }, (_, i) => ({
      organisationId: w.orgB.id,
      actorType: 'system' as const,
      actorLabel: 'system',
      action: 'test.bulk',
      targetType: 'test',
      targetLabel: `bulk ${i}`,
    }));
    await db.insert(auditEvents).values(rows);
    const csv = await collect(exportAuditLogCsv(w.adminB.actor, query({ action: 'test.bulk' })));
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(1206);
    expect(new Set(lines).size).toBe(1206);
  });
});
