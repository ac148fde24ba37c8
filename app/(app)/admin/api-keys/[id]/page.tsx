import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { RelativeTime } from '@/components/ui/time';
import { AccessLogTable } from '@/components/usage/access-log-table';
import { UsagePanel } from '@/components/usage/usage-panel';
import { isAppError } from '@/lib/errors';
import { mayChooseAnyTenant } from '@/lib/access';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { accessLogQuerySchema } from '@/lib/validation/usage';
import { RESOURCES, summarisePermissions } from '@/lib/permissions';
import { getApiKey, listApiKeyAuditTrail, listGrantableTenants } from '@/lib/services/api-keys';
import { formatDateTime, formatExpiry } from '../components/format';
import { StatusBadge } from '../components/status-badge';
import { KeyNotes } from '../components/key-notes';
import { LeakBanner } from '../components/leak-banner';
import { RotationPanel } from '../components/rotation-panel';
import { getRotationUsage } from '@/lib/services/key-rotation';
import { KeyDetailActions } from './page-client';

export const metadata: Metadata = { title: 'API key' };

const ACTION_LABELS: Record<string, string> = {
  'key.created': 'Created',
  'key.updated': 'Edited',
  'key.regenerated': 'Regenerated',
  'key.disabled': 'Disabled',
  'key.enabled': 'Enabled',
  'key.revoked': 'Revoked',
  'key.deleted': 'Deleted',
  'key.rotation_ended': 'Old secret ended',
  'key.leaked': 'Reported leaked',
};

/** A before/after value for people: organisation ids become their names where known. */
function show(value: unknown, names: Map<string, string>): string {
  if (value === null || value === undefined || value === '') return '—';
  if (value === 'all') return 'all tenants';
  if (Array.isArray(value))
    return value.length ? value.map((v) => names.get(String(v)) ?? String(v)).join(', ') : '—';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export default async function ApiKeyDetailPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireAdmin();
  const actor = actorFromUser(user);
  const { id } = await params;
  const { page: logPage } = accessLogQuerySchema.parse({ page: (await searchParams).log_page });
  let key;
  try {
    key = await getApiKey(actor, id);
  } catch (error) {
    if (isAppError(error) && error.code === 'not_found') notFound();
    throw error;
  }
  const [trail, organisations, rotation] = await Promise.all([
    listApiKeyAuditTrail(actor, id),
    listGrantableTenants(actor),
    getRotationUsage(actor, id),
  ]);

  const names = new Map<string, string>([
    ...organisations.map((o) => [o.id, o.name] as [string, string]),
    ...key.tenants.map((t) => [t.id, t.name] as [string, string]),
  ]);
  const changesOf = (changes: Record<string, { before: unknown; after: unknown }>) =>
    Object.entries(changes)
      .map(([field, c]) => ({ field, before: show(c.before, names), after: show(c.after, names) }))
      .filter((c) => c.before !== c.after);

  const facts: [string, React.ReactNode][] = [
    [
      'Key',
      <code key="k" className="font-mono text-sm">
        {key.visibleId}
      </code>,
    ],
    ['Status', <StatusBadge key="s" status={key.displayStatus} />],
    ['Description', key.description || <span className="text-slate-400">No description</span>],
    [
      'Allowed tenants',
      key.allTenants ? (
        <span className="font-medium text-amber-700">All tenants</span>
      ) : (
        key.tenants.map((t) => t.name).join(', ') || '—'
      ),
    ],
    ['Created', `${formatDateTime(key.createdAt)}`],
    [
      'Created by',
      key.createdBy
        ? `${key.createdBy.name} (${key.createdBy.email})`
        : key.createdByKeyId
          ? 'An API key'
          : '—',
    ],
    ['Expires', key.expiresAt ? `${formatExpiry(key.expiresAt)} (end of day, UTC)` : 'No expiry'],
    ['Last used', <RelativeTime key="u" value={key.lastUsedAt} showExact />],
    [
      'Allowed IP addresses',
      key.allowedIps ? (
        <span key="ips" className="font-mono text-xs">
          {key.allowedIps.join(', ')}
        </span>
      ) : (
        'Anywhere'
      ),
    ],
    ['Rate limit', key.rateLimitPerMinute ? `${key.rateLimitPerMinute} requests a minute` : 'No limit'],
  ];
  if (key.regeneratedAt) facts.push(['Last regenerated', formatDateTime(key.regeneratedAt)]);
  if (key.disabledAt) facts.push(['Disabled', formatDateTime(key.disabledAt)]);
  if (key.revokedAt) facts.push(['Revoked', formatDateTime(key.revokedAt)]);

  return (
    <div className="space-y-8">
      <div>
        <Link href="/admin/api-keys" className="text-sm text-indigo-700 hover:underline">
          ← API keys
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="flex items-center gap-3 text-2xl font-semibold tracking-tight">
              {key.name} <StatusBadge status={key.displayStatus} />
              {key.protected && <Badge tone="indigo">Protected</Badge>}
            </h1>
            <div className="mt-2">
              <KeyNotes apiKey={key} />
            </div>
            <p className="mt-1 font-mono text-sm text-slate-500">{key.visibleId}</p>
          </div>
          <KeyDetailActions
            apiKey={key}
            tenantChoices={{
              organisations,
              canChooseAll: mayChooseAnyTenant(user),
              ownOrganisationId: user.organisationId,
            }}
          />
        </div>
      </div>

      {key.leak && <LeakBanner leak={key.leak} />}
      {rotation && <RotationPanel keyId={key.id} usage={rotation} />}

      <section
        aria-labelledby="details-heading"
        className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h2 id="details-heading" className="text-lg font-semibold">
          Details
        </h2>
        <dl className="mt-4 grid gap-x-8 gap-y-4 sm:grid-cols-2">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
              <dd className="mt-1 text-sm text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section
        aria-labelledby="permissions-heading"
        className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h2 id="permissions-heading" className="text-lg font-semibold">
          Permissions
        </h2>
        <p className="mt-1 text-sm text-slate-500">{summarisePermissions(key.permissions)}</p>
        {!key.permissions.includes('admin') && (
          <ul className="mt-3 flex flex-wrap gap-2">
            {RESOURCES.flatMap((r) =>
              (['read', 'write'] as const)
                .filter((a) => key.permissions.includes(`${r.id}:${a}`))
                .map((a) => (
                  <li key={`${r.id}:${a}`}>
                    <Badge tone={a === 'write' ? 'orange' : 'green'}>
                      {r.label}: {a}
                    </Badge>
                  </li>
                )),
            )}
          </ul>
        )}
      </section>

      <section id="usage" aria-labelledby="usage-heading" className="space-y-4">
        <h2 id="usage-heading" className="text-lg font-semibold">
          Usage
        </h2>
        <UsagePanel actor={actor} keyId={key.id} />
      </section>

      <section id="access-log" aria-labelledby="access-log-heading" className="space-y-4">
        <h2 id="access-log-heading" className="text-lg font-semibold">
          Recent access
        </h2>
        <AccessLogTable
          actor={actor}
          keyId={key.id}
          page={logPage}
          hrefForPage={(p) => `/admin/api-keys/${key.id}?log_page=${p}#access-log`}
        />
      </section>

      <section
        aria-labelledby="audit-heading"
        className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h2 id="audit-heading" className="text-lg font-semibold">
          Audit trail
        </h2>
        <p className="mt-1 text-sm text-slate-500">
          Every change to this key: who, what, when and from where.
        </p>
        {trail.length === 0 ? (
          <p className="mt-4 text-sm text-slate-500">No recorded changes yet.</p>
        ) : (
          <div className="mt-4 overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Audit trail">
              <thead className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="py-2 pr-4">
                    When
                  </th>
                  <th scope="col" className="py-2 pr-4">
                    Action
                  </th>
                  <th scope="col" className="py-2 pr-4">
                    Who
                  </th>
                  <th scope="col" className="py-2 pr-4">
                    IP
                  </th>
                  <th scope="col" className="py-2">
                    Changes
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100 align-top">
                {trail.map((e) => (
                  <tr key={e.id} data-testid="audit-row">
                    <td className="py-2 pr-4 whitespace-nowrap">{formatDateTime(e.occurredAt)}</td>
                    <td className="py-2 pr-4 font-medium">{ACTION_LABELS[e.action] ?? e.action}</td>
                    <td className="py-2 pr-4">{e.actorLabel}</td>
                    <td className="py-2 pr-4 font-mono text-xs">{e.ip ?? '—'}</td>
                    <td className="py-2">
                      {e.changes && changesOf(e.changes).length ? (
                        <ul className="space-y-0.5 text-xs">
                          {changesOf(e.changes).map((c) => (
                            <li key={c.field}>
                              <span className="font-medium">{c.field}</span>:{' '}
                              <span className="text-slate-500">{c.before}</span> → <span>{c.after}</span>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="text-slate-400">—</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
