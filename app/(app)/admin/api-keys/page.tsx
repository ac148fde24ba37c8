import type { Metadata } from 'next';
import { EXPIRING_SOON_DAYS } from '@/lib/keys/lifecycle';
import Link from 'next/link';
import { mayChooseAnyTenant, seesEveryOrganisation } from '@/lib/access';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { getApiKeySummary, listApiKeys, listGrantableTenants, listLeakedKeys } from '@/lib/services/api-keys';
import { LeakedKeysBanner } from '@/components/api-keys/leaked-keys-banner';
import type { ApiKeyStatusFilter } from '@/lib/validation/api-keys';
import { LIST_DEFAULTS, listHref, readListParams } from './list-params';
import { ApiKeysPageClient } from './page-client';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireAdmin();
  const actor = actorFromUser(user);
  const filter = readListParams(await searchParams);
  const [list, summary, organisations, leaked] = await Promise.all([
    listApiKeys(actor, filter),
    getApiKeySummary(actor),
    listGrantableTenants(actor),
    listLeakedKeys(actor),
  ]);

  const widgets: { label: string; value: number; status: ApiKeyStatusFilter; tone: string; hint?: string }[] =
    [
      {
        label: 'All keys',
        value: summary.total,
        status: 'all',
        tone: 'text-slate-900',
        hint: 'incl. revoked, expired',
      },
      { label: 'Active', value: summary.active, status: 'active', tone: 'text-emerald-700' },
      {
        label: 'Expiring soon',
        value: summary.expiringSoon,
        status: 'expiring_soon',
        tone: 'text-amber-700',
        hint: `within ${EXPIRING_SOON_DAYS} days`,
      },
      { label: 'Expired', value: summary.expired, status: 'expired', tone: 'text-rose-700' },
      { label: 'Revoked', value: summary.revoked, status: 'revoked', tone: 'text-slate-700' },
    ];

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
          <p className="mt-1 text-sm text-slate-600">
            Keys that integrations use to call the CRM API
            {seesEveryOrganisation(user) ? ', across every organisation.' : ` for ${user.organisationName}.`}
          </p>
        </div>
        <Link href="/admin/api-docs" className="text-sm font-medium text-indigo-700 hover:underline">
          API reference and request samples
        </Link>
      </div>
      <LeakedKeysBanner keys={leaked} />
      <section aria-label="Summary" className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        {widgets.map((w) => (
          <Link
            key={w.label}
            href={listHref({ ...LIST_DEFAULTS, status: w.status })}
            data-testid={`summary-${w.status}`}
            aria-current={filter.status === w.status ? 'true' : undefined}
            className="rounded-xl border border-slate-200 bg-surface px-4 py-3 shadow-sm hover:border-indigo-300 aria-[current=true]:border-indigo-400 aria-[current=true]:ring-1 aria-[current=true]:ring-indigo-200"
          >
            <span className="block text-xs font-medium tracking-wide text-slate-600 uppercase">
              {w.label}
            </span>
            <span className={`mt-1 block text-2xl font-semibold tabular-nums ${w.tone}`}>{w.value}</span>
            {w.hint && <span className="block text-xs text-slate-600">{w.hint}</span>}
          </Link>
        ))}
      </section>
      <ApiKeysPageClient
        keys={list.keys}
        total={list.total}
        pages={list.pages}
        filter={filter}
        endedCount={summary.expired + summary.revoked}
        tenantChoices={{
          organisations,
          canChooseAll: mayChooseAnyTenant(user),
          ownOrganisationId: user.organisationId,
        }}
        showOrganisation={seesEveryOrganisation(user)}
      />
    </div>
  );
}
