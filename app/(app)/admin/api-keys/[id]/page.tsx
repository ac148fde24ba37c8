import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Badge } from '@/components/ui/badge';
import { AuditTable } from '../../audit-log/components/audit-table';
import { DateOnly, ExactTime, RelativeTime } from '@/components/ui/time';
import { AccessLogTable } from '../../_usage/access-log-table';
import { UsagePanel } from '../../_usage/usage-panel';
import { isAppError } from '@/lib/errors';
import { mayChooseAnyTenant } from '@/lib/access';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { accessLogQuerySchema } from '@/lib/validation/usage';
import { RESOURCES, summarisePermissions } from '@/lib/permissions';
import { getApiKey, listApiKeyAuditTrail, listGrantableTenants } from '@/lib/services/api-keys';
import { formatExpiry } from '@/lib/format';
import { StatusBadge } from '../components/status-badge';
import { KeyNotes } from '../components/key-notes';
import { LeakBanner } from '../components/leak-banner';
import { RotationPanel } from '../components/rotation-panel';
import { getRotationUsage } from '@/lib/services/key-rotation';
import { KeyDetailActions } from './page-client';

export const metadata: Metadata = { title: 'API key' };

/** What a key's callers get while it cannot be used: the banner says it in HTTP terms. */
const REFUSALS: Partial<Record<string, { title: string; code: string; tone: string }>> = {
  disabled: {
    title: 'This key is disabled.',
    code: 'key_disabled',
    tone: 'bg-slate-100 text-slate-800 ring-slate-300',
  },
  expired: {
    title: 'This key has expired.',
    code: 'key_expired',
    tone: 'bg-rose-50 text-rose-800 ring-rose-200',
  },
  revoked: {
    title: 'This key is revoked, for good.',
    code: 'key_revoked',
    tone: 'bg-rose-50 text-rose-800 ring-rose-200',
  },
};

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
  const refusal = REFUSALS[key.displayStatus];

  // Each fact once: the name, status and key are in the heading, not repeated here.
  const facts: [string, React.ReactNode][] = [
    ['Description', key.description || <span className="text-slate-600">No description</span>],
    [
      'Allowed tenants',
      key.allTenants ? (
        <span className="font-medium text-amber-700">All tenants</span>
      ) : (
        key.tenants.map((t) => t.name).join(', ') || '—'
      ),
    ],
    [
      'Created',
      <span key="c">
        <DateOnly value={key.createdAt} />
        {key.createdBy
          ? ` by ${key.createdBy.name} (${key.createdBy.email})`
          : key.createdByKeyId
            ? ' by an API key'
            : ''}
      </span>,
    ],
    [
      'Expires',
      key.status === 'revoked'
        ? '—'
        : key.expiresAt
          ? `${formatExpiry(key.expiresAt)} (through the end of the day, UTC)`
          : 'No expiry',
    ],
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
  if (key.regeneratedAt) facts.push(['Last regenerated', <ExactTime key="r" value={key.regeneratedAt} />]);

  return (
    <div className="space-y-8">
      <div>
        <Link href="/admin/api-keys" className="text-sm text-indigo-700 hover:underline">
          ← API keys
        </Link>
        <div className="mt-2 flex flex-wrap items-start justify-between gap-4">
          <div>
            <h1 className="flex flex-wrap items-center gap-x-3 gap-y-1 text-2xl font-semibold tracking-tight break-words">
              {key.name} <StatusBadge status={key.displayStatus} />
              {key.protected && <Badge tone="indigo">Protected</Badge>}
            </h1>
            <div className="mt-2">
              <KeyNotes apiKey={key} />
            </div>
            <p className="mt-1 font-mono text-sm text-slate-600">{key.visibleId}</p>
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

      {refusal && (
        <div
          role="status"
          className={`rounded-xl px-4 py-3 text-sm ring-1 ${refusal.tone}`}
          data-testid="key-banner"
        >
          <p className="font-semibold">{refusal.title}</p>
          <p className="mt-1">
            Requests with it get <strong>401</strong> with the code{' '}
            <code className="font-mono">{refusal.code}</code>
            {key.displayStatus === 'revoked'
              ? ' (since '
              : key.displayStatus === 'disabled'
                ? ' until it is enabled again (disabled '
                : ' (since '}
            <ExactTime value={(key.revokedAt ?? key.disabledAt ?? key.expiresAt) as Date} />
            ).
          </p>
        </div>
      )}
      {key.leak && <LeakBanner leak={key.leak} />}
      {rotation && <RotationPanel keyId={key.id} usage={rotation} />}

      <section
        aria-labelledby="details-heading"
        className="rounded-xl border border-slate-200 bg-surface p-4 shadow-sm sm:p-6"
      >
        <h2 id="details-heading" className="text-lg font-semibold">
          Details
        </h2>
        <dl className="mt-4 grid gap-x-8 gap-y-4 sm:grid-cols-2">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs font-medium tracking-wide text-slate-600 uppercase">{label}</dt>
              <dd className="mt-1 text-sm text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section
        aria-labelledby="permissions-heading"
        className="rounded-xl border border-slate-200 bg-surface p-4 shadow-sm sm:p-6"
      >
        <h2 id="permissions-heading" className="text-lg font-semibold">
          Permissions
        </h2>
        <p className="mt-1 text-sm text-slate-600">{summarisePermissions(key.permissions)}</p>
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
        className="rounded-xl border border-slate-200 bg-surface p-4 shadow-sm sm:p-6"
      >
        <h2 id="audit-heading" className="text-lg font-semibold">
          Audit trail
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Every change to this key: who, what, when and from where.
        </p>
        <div className="mt-4">
          <AuditTable
            events={trail}
            showOrganisation={false}
            names={names}
            caption="Audit trail"
            emptyText="No recorded changes yet."
          />
        </div>
      </section>
    </div>
  );
}
