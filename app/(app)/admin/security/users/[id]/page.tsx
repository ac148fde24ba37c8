import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { formatDateTime } from '@/lib/format';
import { toWebhookRows } from '../../../../_webhooks/rows';
import { WebhookTable } from '../../../../_webhooks/webhook-table';
import { isAppError } from '@/lib/errors';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { getUserPersonalKey } from '@/lib/services/personal-keys';
import { ClearKeyButton } from '../../components/clear-key-button';

export const metadata: Metadata = { title: 'Personal API key' };

export default async function UserKeyPage({ params }: { params: Promise<{ id: string }> }) {
  const admin = await requireAdmin();
  const { id } = await params;
  let detail: Awaited<ReturnType<typeof getUserPersonalKey>>;
  try {
    detail = await getUserPersonalKey(actorFromUser(admin), id);
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') notFound();
    throw error;
  }
  const { user, key, webhooks } = detail;

  return (
    <div className="space-y-8">
      <div>
        <Link href="/admin/security" className="text-sm text-indigo-700 hover:underline">
          ← Security
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{user.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {user.email} · {user.role}
        </p>
      </div>

      <section aria-labelledby="key-heading" className="rounded-xl border border-slate-200 bg-surface p-6">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            <h2 id="key-heading" className="text-lg font-semibold">
              Personal API key
            </h2>
            {key ? (
              <dl className="mt-3 grid grid-cols-1 gap-x-10 gap-y-3 text-sm sm:grid-cols-3">
                <div>
                  <dt className="text-xs font-medium text-slate-600 uppercase">Key</dt>
                  <dd className="mt-0.5 font-mono">{key.visibleId}</dd>
                </div>
                <div>
                  <dt className="text-xs font-medium text-slate-600 uppercase">Created</dt>
                  <dd className="mt-0.5">{formatDateTime(key.regeneratedAt ?? key.createdAt)}</dd>
                </div>
                <div>
                  <dt className="text-xs font-medium text-slate-600 uppercase">Last used</dt>
                  <dd className="mt-0.5">{formatDateTime(key.lastUsedAt, 'Never')}</dd>
                </div>
              </dl>
            ) : (
              <p className="mt-1 text-sm text-slate-600">
                No active key. The user can turn one on under API access.
              </p>
            )}
          </div>
          {key && detail.canManage && <ClearKeyButton user={user} visibleId={key.visibleId} size="md" />}
        </div>
      </section>

      <section aria-labelledby="webhooks-heading" className="space-y-3">
        <h2 id="webhooks-heading" className="text-lg font-semibold">
          Webhooks
        </h2>
        <WebhookTable
          rows={toWebhookRows(webhooks)}
          empty={<p>No webhooks are registered on {user.name}&apos;s key.</p>}
        />
      </section>
    </div>
  );
}
