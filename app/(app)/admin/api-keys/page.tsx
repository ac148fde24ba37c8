import type { Metadata } from 'next';
import { actorFromUser, requireAdmin } from '@/lib/auth/session';
import { listApiKeys } from '@/lib/services/api-keys';
import { listApiKeysSchema } from '@/lib/validation/api-keys';

export const metadata: Metadata = { title: 'API keys' };

export default async function ApiKeysPage() {
  const user = await requireAdmin();
  const { keys, total } = await listApiKeys(actorFromUser(user), listApiKeysSchema.parse({}));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API keys</h1>
        <p className="mt-1 text-sm text-slate-500">Keys that integrations use to call the CRM API.</p>
      </div>
      <div className="overflow-hidden rounded-xl border border-slate-200 bg-white">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
            <tr>
              <th className="px-4 py-3">Name</th>
              <th className="px-4 py-3">Key</th>
              <th className="px-4 py-3">Status</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {keys.map((key) => (
              <tr key={key.id}>
                <td className="px-4 py-3 font-medium">{key.name}</td>
                <td className="px-4 py-3 font-mono text-xs">{key.visibleId}</td>
                <td className="px-4 py-3">{key.displayStatus}</td>
              </tr>
            ))}
            {total === 0 && (
              <tr>
                <td colSpan={3} className="px-4 py-10 text-center text-slate-500">
                  No API keys yet.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
