import type { Metadata } from 'next';
import { toWebhookRows } from '../../_webhooks/rows';
import { canOpenAdminPages } from '@/lib/access';
import { actorFromUser, requireUser } from '@/lib/auth/session';
import { getPersonalKeyOverview } from '@/lib/services/personal-keys';
import { listLeakedKeys } from '@/lib/services/api-keys';
import { LeakedKeysBanner } from '@/components/api-keys/leaked-keys-banner';
import { ApiSettingsClient } from './page-client';

export const metadata: Metadata = { title: 'API access' };

export default async function ApiSettingsPage() {
  const user = await requireUser();
  const [overview, leaked] = await Promise.all([
    getPersonalKeyOverview(actorFromUser(user)),
    listLeakedKeys(actorFromUser(user), { personal: true }),
  ]);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API access</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Your personal API key lets your scripts and automation platforms call the CRM API as you, with what
          your role allows in {user.organisationName}. Send it as <code className="font-mono">X-API-KEY</code>{' '}
          or <code className="font-mono">Authorization: Bearer</code>.
        </p>
      </div>
      <LeakedKeysBanner keys={leaked} linkKeys={false} />
      <ApiSettingsClient
        admin={canOpenAdminPages(user)}
        organisationName={user.organisationName}
        allowed={overview.allowed}
        apiKey={
          overview.key
            ? {
                visibleId: overview.key.visibleId,
                createdAt: overview.key.createdAt.toISOString(),
                lastUsedAt: overview.key.lastUsedAt?.toISOString() ?? null,
                regeneratedAt: overview.key.regeneratedAt?.toISOString() ?? null,
              }
            : null
        }
        webhooks={toWebhookRows(overview.webhooks)}
      />
    </div>
  );
}
