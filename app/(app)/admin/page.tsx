import type { Metadata } from 'next';
import { EXPIRING_SOON_DAYS, UNUSED_AFTER_DAYS } from '@/lib/keys/lifecycle';
import Link from 'next/link';
import { toChartPoints } from './_usage/chart-points';
import { UsageChart } from './_usage/usage-chart';
import { RelativeTime } from '@/components/ui/time';
import { seesEveryOrganisation } from '@/lib/access';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { formatCount, formatExpiry } from '@/lib/format';
import { getUsageDashboard } from '@/lib/services/usage';

export const metadata: Metadata = { title: 'Dashboard' };

/** The admin dashboard: how the organisation's keys are used, and which need attention. */
export default async function DashboardPage() {
  const user = await requireAdmin();
  const now = new Date();
  const data = await getUsageDashboard(actorFromUser(user), now);
  const { totals } = data.requestsPerDay;
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Dashboard</h1>
        <p className="mt-1 text-sm text-slate-600">
          {seesEveryOrganisation(user) ? 'All organisations' : user.organisationName}: API use over the last
          30 days.
        </p>
      </div>

      <section aria-labelledby="per-day" className="rounded-xl border border-slate-200 bg-surface p-4">
        <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="per-day" className="text-sm font-semibold text-slate-700">
            Requests per day, all keys (UTC)
          </h2>
          <p className="text-sm text-slate-600 tabular-nums" data-testid="dashboard-totals">
            <strong className="text-slate-900">{formatCount(totals.total)}</strong> requests ·{' '}
            {formatCount(totals.success)} succeeded · {formatCount(totals.denied)} denied
            {totals.rateLimited > 0 && ` · ${formatCount(totals.rateLimited)} rate-limited`}
          </p>
        </div>
        <UsageChart
          label="Requests per day, all keys, last 30 days"
          data={toChartPoints(data.requestsPerDay.series, 'day')}
          height={260}
        />
      </section>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Top keys by use" subtitle="Last 30 days" id="top-keys">
          {data.topKeys.length === 0 ? (
            <Empty>No key has been used in the last 30 days.</Empty>
          ) : (
            <ol className="divide-y divide-slate-100">
              {data.topKeys.map((k) => (
                <KeyItem key={k.id} apiKey={k}>
                  <span className="text-right text-sm tabular-nums">
                    <strong data-testid="top-key-total">{formatCount(k.total)}</strong>
                    {k.denied > 0 && (
                      <span className="block text-xs text-red-700">{formatCount(k.denied)} denied</span>
                    )}
                  </span>
                </KeyItem>
              ))}
            </ol>
          )}
        </Card>

        <Card
          title={`Expiring in the next ${EXPIRING_SOON_DAYS} days`}
          subtitle={`${data.expiring.total} key${data.expiring.total === 1 ? '' : 's'}`}
          id="expiring"
          more={
            data.expiring.total > data.expiring.keys.length
              ? '/admin/api-keys?status=expiring_soon'
              : undefined
          }
        >
          {data.expiring.keys.length === 0 ? (
            <Empty>No key expires in the next {EXPIRING_SOON_DAYS} days.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100">
              {data.expiring.keys.map((k) => (
                <KeyItem key={k.id} apiKey={k}>
                  <span className="text-right text-sm">
                    {k.expiresAt && <RelativeTime value={k.expiresAt} now={now} />}
                    <span className="block text-xs text-slate-600">
                      {k.expiresAt && formatExpiry(k.expiresAt)}
                    </span>
                  </span>
                </KeyItem>
              ))}
            </ul>
          )}
        </Card>

        <Card
          title={`Unused for ${UNUSED_AFTER_DAYS}+ days`}
          subtitle={`${data.unused.total} active key${data.unused.total === 1 ? '' : 's'}`}
          id="unused"
          more={data.unused.total > data.unused.keys.length ? '/admin/api-keys?status=unused' : undefined}
        >
          {data.unused.keys.length === 0 ? (
            <Empty>
              No active key has gone {UNUSED_AFTER_DAYS} days without a request. New keys count once they are{' '}
              {UNUSED_AFTER_DAYS} days old.
            </Empty>
          ) : (
            <ul className="divide-y divide-slate-100">
              {data.unused.keys.map((k) => (
                <KeyItem key={k.id} apiKey={k}>
                  <span className="text-right text-sm">
                    <span className="block text-xs text-slate-600">Last used</span>
                    <RelativeTime value={k.lastUsedAt} now={now} />
                  </span>
                </KeyItem>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

/** One key in a dashboard list: its name (a link for integration keys), its masked id, then `children`. */
function KeyItem({
  apiKey,
  children,
}: {
  apiKey: { id: string; kind: string; name: string; visibleId: string };
  children: React.ReactNode;
}) {
  return (
    <li className="flex items-center justify-between gap-3 py-2" data-key-id={apiKey.id}>
      <span className="min-w-0">
        {apiKey.kind === 'integration' ? (
          <Link
            href={`/admin/api-keys/${apiKey.id}`}
            className="block truncate font-medium text-indigo-700 hover:underline"
          >
            {apiKey.name}
          </Link>
        ) : (
          <span className="block truncate font-medium">{apiKey.name} (personal key)</span>
        )}
        <span className="block font-mono text-xs text-slate-600">{apiKey.visibleId}</span>
      </span>
      {children}
    </li>
  );
}

function Card({
  title,
  subtitle,
  id,
  more,
  children,
}: {
  title: string;
  subtitle: string;
  id: string;
  more?: string;
  children: React.ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="rounded-xl border border-slate-200 bg-surface p-4">
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h2 id={id} className="text-sm font-semibold text-slate-700">
          {title}
        </h2>
        <span className="text-xs text-slate-600">{subtitle}</span>
      </div>
      {children}
      {more && (
        <Link href={more} className="mt-2 inline-block text-sm text-indigo-700 hover:underline">
          See all
        </Link>
      )}
    </section>
  );
}

function Empty({ children }: { children: React.ReactNode }) {
  return <p className="py-6 text-center text-sm text-slate-600">{children}</p>;
}
