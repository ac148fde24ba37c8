import type { Metadata } from 'next';
import Link from 'next/link';
import { formatDateTime } from '@/components/ui/format';
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
        <p className="mt-1 text-sm text-slate-500">Roles and API access in {settings.name}.</p>
      </div>

      <section aria-labelledby="roles-heading" className="rounded-xl border border-slate-200 bg-white p-6">
        <h2 id="roles-heading" className="sr-only">
          Roles and security
        </h2>
        <ApiAccessSwitch allowed={settings.apiAccessForNonAdmins} />
      </section>

      <section aria-label="API key policy" className="rounded-xl border border-slate-200 bg-white p-6">
        <KeyPolicyForm policy={settings.keyPolicy} />
      </section>

      <section aria-labelledby="management-heading" className="space-y-3">
        <div>
          <h2 id="management-heading" className="text-lg font-semibold">
            API Management
          </h2>
          <p className="mt-1 text-sm text-slate-500">
            Users with an active personal API key. Open a user to see the webhooks registered on their key.
          </p>
        </div>
        {rows.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
            <p className="font-medium text-slate-700">No personal API keys</p>
            <p className="mt-1">
              {settings.apiAccessForNonAdmins
                ? 'Users turn their key on under API access.'
                : 'Only admins can have one while API access for non-admins is not allowed.'}
            </p>
          </div>
        ) : (
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table className="min-w-full divide-y divide-slate-200 text-sm" aria-label="Personal API keys">
              <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-4 py-3">
                    Name
                  </th>
                  <th scope="col" className="px-4 py-3">
                    E-mail
                  </th>
                  {manyOrganisations && (
                    <th scope="col" className="px-4 py-3">
                      Organisation
                    </th>
                  )}
                  <th scope="col" className="px-4 py-3">
                    Key
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Created
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Last used
                  </th>
                  <th scope="col" className="px-4 py-3 text-right">
                    Webhooks
                  </th>
                  <th scope="col" className="px-4 py-3">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((row) => (
                  <tr key={row.key.id} className="hover:bg-slate-50">
                    <td className="px-4 py-3 font-medium">
                      <Link
                        href={`/admin/security/users/${row.user.id}`}
                        className="text-indigo-700 hover:underline"
                      >
                        {row.user.name}
                      </Link>
                      {row.user.role !== 'user' && (
                        <span className="ml-2 text-xs text-slate-400">{row.user.role}</span>
                      )}
                    </td>
                    <td className="px-4 py-3 text-slate-600">{row.user.email}</td>
                    {manyOrganisations && (
                      <td className="px-4 py-3 text-slate-600">{row.organisation.name}</td>
                    )}
                    <td className="px-4 py-3 font-mono text-xs">{row.key.visibleId}</td>
                    <td className="px-4 py-3 whitespace-nowrap text-slate-600">
                      {formatDateTime(row.key.regeneratedAt ?? row.key.createdAt)}
                    </td>
                    <td className="px-4 py-3 whitespace-nowrap text-slate-600">
                      {formatDateTime(row.key.lastUsedAt)}
                    </td>
                    <td className="px-4 py-3 text-right tabular-nums">{row.webhooksCount}</td>
                    <td className="px-4 py-3 text-right">
                      {row.canManage && <ClearKeyButton user={row.user} visibleId={row.key.visibleId} />}
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
