import 'server-only';
import { eq } from 'drizzle-orm';
import { db } from '@/db';
import { apiKeys } from '@/db/schema';
import { findKeyByHash } from '@/db/queries/key-lookup';
import { hashKey, hashesEqual, parseKey, visibleIdentifier } from '@/lib/keys/format';
import { announceKeyChange } from '@/lib/key-check/invalidation';
import type { Actor, RequestContext } from '@/lib/actor';
import type { SecretScanningReport } from '@/lib/validation/secret-scanning';
import { recordAudit } from './audit';
import { getApiKeyViewAsSystem } from './api-keys';
import { emitKeyEvent } from './key-events';

/**
 * Leaked-key reports from secret scanners. Each reported token that is ours — well-formed, checksum
 * valid, and its hash known — is revoked at once (the whole key, whichever of its secrets leaked), with
 * an audit event naming it leaked and where; the key's page and the admins' key list show a banner.
 *
 * Not-ours tokens are false positives, answered without a timing difference: every token is hashed
 * and looked up the same way, ours or not, well-formed or not, and the whole answer is held back to a
 * fixed floor that covers the extra work a revocation does.
 */
export type LeakLabel = 'true_positive' | 'false_positive';
export type LeakReply = { token_raw: string; token_type: string; label: LeakLabel };

const SCANNER: Actor = { type: 'system', label: 'system' };
const FLOOR_MS = 200;
const FLOOR_PER_TOKEN_MS = 25;

export async function processLeakReport(
  report: SecretScanningReport,
  context?: RequestContext,
): Promise<LeakReply[]> {
  const started = performance.now();
  const replies: LeakReply[] = [];
  for (const item of report) {
    const parsed = parseKey(item.token);
    const keyHash = hashKey(item.token);
    const record = await findKeyByHash({ keyHash });
    const ours = Boolean(parsed && record && record.kind === parsed.kind);
    if (ours && record) {
      const which = hashesEqual(record.keyHash, keyHash) ? 'current' : 'previous';
      await revokeLeakedKey(
        record.id,
        { url: item.url ?? null, source: item.source ?? null, type: item.type, which },
        context,
      );
    }
    replies.push({
      token_raw: item.token,
      token_type: item.type,
      label: ours ? 'true_positive' : 'false_positive',
    });
  }
  const floor = FLOOR_MS + FLOOR_PER_TOKEN_MS * report.length;
  const wait = floor - (performance.now() - started);
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  return replies;
}

/** Revoke a key reported leaked and record where. A repeated report of the same key changes nothing. */
async function revokeLeakedKey(
  id: string,
  leak: { url: string | null; source: string | null; type: string; which: 'current' | 'previous' },
  context?: RequestContext,
): Promise<void> {
  const changed = await db.transaction(async (tx) => {
    const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, id)).for('update');
    if (!key || key.leakedAt) return false;
    const now = new Date();
    const url = leak.url?.slice(0, 2000) ?? null;
    await tx
      .update(apiKeys)
      .set({
        status: 'revoked',
        revokedAt: key.revokedAt ?? now,
        leakedAt: now,
        leakedUrl: url,
        // A leaked previous secret ends its overlap too; the key is revoked either way.
        previousKeyHash: null,
        previousLastFour: null,
        previousKeyExpiresAt: null,
        updatedAt: now,
      })
      .where(eq(apiKeys.id, id));
    await recordAudit(tx, {
      actor: SCANNER,
      context,
      action: 'key.leaked',
      organisationId: key.organisationId,
      target: { type: 'api_key', id: key.id, label: `${key.name} (${visibleIdentifier(key)})` },
      changes: {
        status: { before: key.status, after: 'revoked' },
        leaked_url: { before: null, after: url },
        leak_source: { before: null, after: leak.source },
        leaked_secret: { before: null, after: leak.which },
      },
    });
    // Subscribers hear of the leak, then of the revocation it caused (in that order, per receiver).
    if (key.kind === 'integration') {
      const view = await getApiKeyViewAsSystem(tx, id);
      await emitKeyEvent(tx, view, 'leaked', {
        url,
        source: leak.source?.slice(0, 200) ?? null,
        token_type: leak.type.slice(0, 200),
        leaked_secret: leak.which,
      });
      if (key.status !== 'revoked') await emitKeyEvent(tx, view, 'revoked', { reason: 'leaked' });
    }
    return true;
  });
  if (changed) announceKeyChange({ keyIds: [id] });
}
