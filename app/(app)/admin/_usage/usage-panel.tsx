import { formatCount } from '@/lib/format';
import type { Actor } from '@/lib/actor';
import { getKeyUsage } from '@/lib/services/usage';
import type { UsageTotals } from '@/lib/validation/usage';
import { ExactTime, RelativeTime } from '@/components/ui/time';
import { toChartPoints } from './chart-points';
import { UsageChart } from './usage-chart';

/**
 * A key's usage on its detail page: requests in the last 24 hours, 7 and 30 days, when it was last
 * used, and its requests per hour (24 h) and per day (30 d). The figures come from the same service
 * call as GET /crm/api-keys/{id}/usage, so the page and the API always agree.
 */
export async function UsagePanel({ actor, keyId }: { actor: Actor; keyId: string }) {
  const now = new Date();
  const [day, week, month] = await Promise.all([
    getKeyUsage(actor, keyId, '24h', now),
    getKeyUsage(actor, keyId, '7d', now),
    getKeyUsage(actor, keyId, '30d', now),
  ]);
  return (
    <div className="space-y-6">
      <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Figure label="Last 24 hours" window="24h" totals={day.totals} />
        <Figure label="Last 7 days" window="7d" totals={week.totals} />
        <Figure label="Last 30 days" window="30d" totals={month.totals} />
        <div className="rounded-xl border border-slate-200 bg-surface p-4">
          <dt className="text-sm text-slate-600">Last used</dt>
          <dd className="mt-1 text-lg font-semibold" data-testid="usage-last-used">
            <RelativeTime value={day.lastUsedAt} now={now} />
          </dd>
          {day.lastUsedAt && (
            <dd className="mt-1 text-xs text-slate-600">
              <ExactTime value={day.lastUsedAt} seconds />
            </dd>
          )}
        </div>
      </dl>
      <div className="grid gap-6 lg:grid-cols-2">
        <section className="rounded-xl border border-slate-200 bg-surface p-4" aria-labelledby="usage-hourly">
          <h3 id="usage-hourly" className="mb-3 text-sm font-semibold text-slate-700">
            Requests per hour, last 24 hours (UTC)
          </h3>
          <UsageChart label="Requests per hour, last 24 hours" data={toChartPoints(day.series, 'hour')} />
        </section>
        <section className="rounded-xl border border-slate-200 bg-surface p-4" aria-labelledby="usage-daily">
          <h3 id="usage-daily" className="mb-3 text-sm font-semibold text-slate-700">
            Requests per day, last 30 days (UTC)
          </h3>
          <UsageChart label="Requests per day, last 30 days" data={toChartPoints(month.series, 'day')} />
        </section>
      </div>
    </div>
  );
}

function Figure({ label, window, totals }: { label: string; window: string; totals: UsageTotals }) {
  return (
    <div className="rounded-xl border border-slate-200 bg-surface p-4" data-testid={`usage-${window}`}>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid={`usage-${window}-total`}>
        {formatCount(totals.total)}
        <span className="ml-1 text-sm font-normal text-slate-600">requests</span>
      </dd>
      <dd className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-600 tabular-nums">
        <span>
          <span className="text-green-700" data-testid={`usage-${window}-success`}>
            {formatCount(totals.success)}
          </span>{' '}
          succeeded
        </span>
        <span>
          <span className="text-red-700" data-testid={`usage-${window}-denied`}>
            {formatCount(totals.denied)}
          </span>{' '}
          denied
        </span>
        {totals.rateLimited > 0 && (
          <span>
            <span className="text-amber-700" data-testid={`usage-${window}-rate-limited`}>
              {formatCount(totals.rateLimited)}
            </span>{' '}
            rate-limited
          </span>
        )}
      </dd>
    </div>
  );
}
