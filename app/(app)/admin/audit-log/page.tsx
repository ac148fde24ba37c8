import type { Metadata } from 'next';
import Link from 'next/link';
import { buttonClasses } from '@/components/ui/button';
import { Pager } from '@/components/ui/pager';
import { seesEveryOrganisation } from '@/lib/access';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { fieldErrorsFromZod } from '@/lib/errors';
import { listGrantableTenants } from '@/lib/services/api-keys';
import { listAuditLog } from '@/lib/services/audit';
import { auditLogQuerySchema, type AuditLogQuery } from '@/lib/validation/audit';
import { AuditFilters } from './components/audit-filters';
import { AuditTable } from './components/audit-table';
import { formatCount } from '@/lib/format';

export const metadata: Metadata = { title: 'Audit log' };

type SearchParams = Record<string, string | string[] | undefined>;

function firstValues(params: SearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = Array.isArray(v) ? v[0] : v;
  return out;
}

/** The query string of a filter (empty fields left out), for paging and the export link. */
function queryString(query: Partial<AuditLogQuery>, page?: number): string {
  const params = new URLSearchParams();
  for (const key of ['actor', 'action', 'target', 'from', 'to'] as const) {
    if (query[key]) params.set(key, String(query[key]));
  }
  if (page && page > 1) params.set('page', String(page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Every change to keys, access and settings: who, what, when, from where, and what changed. */
export default async function AuditLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const user = await requireAdmin();
  const raw = firstValues(await searchParams);
  const parsed = auditLogQuerySchema.safeParse(raw);
  const errors = parsed.success ? {} : fieldErrorsFromZod(parsed.error.issues);
  // An invalid field is shown with its error and left out; the valid ones still apply.
  const query = parsed.success
    ? parsed.data
    : auditLogQuerySchema.parse(
        Object.fromEntries(Object.entries(raw).filter(([k]) => !errors[k] && k !== '_')),
      );
  const actor = actorFromUser(user);
  const [log, organisations] = await Promise.all([listAuditLog(actor, query), listGrantableTenants(actor)]);
  const names = new Map(organisations.map((o) => [o.id, o.name]));
  const superadmin = seesEveryOrganisation(user);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="mt-1 text-sm text-slate-600">
            Every change to API keys, access and settings{superadmin ? ', in every organisation' : ''}.
            Entries can never be edited or deleted.
          </p>
        </div>
        <a
          href={`/admin/audit-log/export${queryString(query)}`}
          className={buttonClasses('secondary')}
          download
        >
          Export CSV
        </a>
      </div>
      <AuditFilters values={raw} actions={log.actions} errors={errors} />
      <p className="text-sm text-slate-600" aria-live="polite">
        {formatCount(log.total)} event{log.total === 1 ? '' : 's'}
        {queryString(query) && (
          <>
            {' '}
            match these filters ·{' '}
            <Link href="/admin/audit-log" className="text-indigo-700 hover:underline">
              Clear filters
            </Link>
          </>
        )}
      </p>
      <AuditTable events={log.events} showOrganisation={superadmin} names={names} />
      <Pager
        page={log.page}
        pages={log.pages}
        total={log.total}
        href={(p) => `/admin/audit-log${queryString(query, p)}`}
        label="Audit log pages"
      />
    </div>
  );
}
