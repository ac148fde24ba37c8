import type { Metadata } from 'next';
import { requireUser } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'API access' };

export default async function ApiSettingsPage() {
  const user = await requireUser();
  return (
    <div className="space-y-2">
      <h1 className="text-2xl font-semibold tracking-tight">API access</h1>
      <p className="text-sm text-slate-500">
        Signed in as {user.email}. Personal API keys for {user.organisationName} are managed here.
      </p>
    </div>
  );
}
