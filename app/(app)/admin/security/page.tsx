import type { Metadata } from 'next';
import Link from 'next/link';
import { Cell, Row, TableShell } from '@/components/ui/table-shell';
import { DateOnly, RelativeTime } from '@/components/ui/time';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { getOrganisationSettings } from '@/lib/services/organisation-settings';
import { listPersonalKeys } from '@/lib/services/personal-keys';
import { ApiAccessSwitch } from './components/api-access-switch';
import { ClearKeyButton } from './components/clear-key-button';
import { KeyPolicyForm } from './components/key-policy-form';

export const metadata: Metadata = { title: 'Security' };

export default async function SecurityPage() {
  const user = await requireAdmin();
  const actor = actorFromUser(user);
  const [settings, rows] = await Promise.all([
    getOrganisationSettings(actor, user.organisationId),
    listPersonalKeys(actor),
  ]);
  const manyOrganisations = new Set(rows.map((r) => r.organisation.id)).size > 1;

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Security</h1>
        <p className="mt-1 text-sm text-slate-600">Roles and API access in {settings.name}.</p>
      </div>

      <section aria-labelledby="roles-heading" className="rounded-xl border border-slate-200 bg-surface p-6">
        <h2 id="roles-heading" className="sr-only">
          Roles and security
        </h2>
        <ApiAccessSwitch allowed={settings.apiAccessForNonAdmins} />
      </section>

      <section aria-label="API key policy" className="rounded-xl border border-slate-200 bg-surface p-6">
        <KeyPolicyForm policy={settings.keyPolicy} />
      </section>

      <section aria-labelledby="management-heading" className="space-y-3">
        <div>
          <h2 id="management-heading" className="text-lg font-semibold">
            API Management
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Users with an active personal API key. Open a user to see the webhooks registered on their key.
          </p>
        </div>
        {rows.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 bg-surface px-6 py-10 text-center text-sm text-slate-600">
            <p className="font-medium text-slate-700">No personal API keys</p>
            <p className="mt-1">
              {settings.apiAccessForNonAdmins
                ? 'Users turn their key on under API access.'
                : 'Only admins can have one while API access for non-admins is not allowed.'}
            </p>
          </div>
        ) : (
          <TableShell
            caption="Personal API keys"
            columns={[
              { id: 'name', header: 'Name' },
              { id: 'email', header: 'E-mail' },
              ...(manyOrganisations ? [{ id: 'organisation', header: 'Organisation' }] : []),
              { id: 'key', header: 'Key' },
              { id: 'created', header: 'Created' },
              { id: 'last-used', header: 'Last used' },
              { id: 'webhooks', header: 'Webhooks', className: 'text-right' },
              { id: 'actions', header: <span className="sr-only">Actions</span> },
            ]}
          >
            {rows.map((row) => (
              <Row key={row.key.id}>
                <Cell wide className="font-medium">
                  <Link
                    href={`/admin/security/users/${row.user.id}`}
                    className="text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:decoration-indigo-700"
                  >
                    {row.user.name}
                  </Link>
                  {row.user.role !== 'user' && (
                    <span className="ml-2 text-xs font-normal text-slate-600">{row.user.role}</span>
                  )}
                </Cell>
                <Cell label="E-mail" className="break-all text-slate-700">
                  {row.user.email}
                </Cell>
                {manyOrganisations && (
                  <Cell label="Organisation" className="text-slate-700">
                    {row.organisation.name}
                  </Cell>
                )}
                <Cell label="Key" className="font-mono text-xs">
                  {row.key.visibleId}
                </Cell>
                <Cell label="Created">
                  <DateOnly value={row.key.regeneratedAt ?? row.key.createdAt} />
                </Cell>
                <Cell label="Last used">
                  <RelativeTime value={row.key.lastUsedAt} />
                </Cell>
                <Cell label="Webhooks" className="tabular-nums sm:text-right">
                  {row.webhooksCount}
                </Cell>
                <Cell end className="sm:text-right">
                  {row.canManage && <ClearKeyButton user={row.user} visibleId={row.key.visibleId} />}
                </Cell>
              </Row>
            ))}
          </TableShell>
        )}
      </section>
    </div>
  );
}
