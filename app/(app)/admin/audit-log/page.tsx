import type { Metadata } from 'next';
import Link from 'next/link';
import { Pager } from '@/components/ui/pager';
import { seesEveryOrganisation } from '@/lib/access';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { fieldErrorsFromZod } from '@/lib/errors';
import { listAuditLog } from '@/lib/services/audit';
import { auditLogQuerySchema, type AuditLogQuery } from '@/lib/validation/audit';
import { AuditFilters } from './components/audit-filters';
import { AuditTable } from './components/audit-table';

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
  const log = await listAuditLog(actorFromUser(user), query);
  const superadmin = seesEveryOrganisation(user);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="mt-1 text-sm text-slate-500">
            Every change to API keys, access and settings{superadmin ? ', in every organisation' : ''}.
            Entries can never be edited or deleted.
          </p>
        </div>
        <a
          href={`/admin/audit-log/export${queryString(query)}`}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
          download
        >
          Export CSV
        </a>
      </div>
      <AuditFilters values={raw} actions={log.actions} errors={errors} />
      <p className="text-sm text-slate-500" aria-live="polite">
        {log.total.toLocaleString('en')} event{log.total === 1 ? '' : 's'}
        {queryString(query) && (
          <>
            {' '}
            match these filters ·{' '}
            <Link href="/admin/audit-log" className="text-indigo-600 hover:underline">
              Clear filters
            </Link>
          </>
        )}
      </p>
      <AuditTable events={log.events} showOrganisation={superadmin} />
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
