import type { Metadata } from 'next';
import Link from 'next/link';
import { SwaggerDocs } from '@/components/api-docs/swagger-docs';
import { canOpenSuperadminPages } from '@/lib/access';
import { requireAdmin } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'API reference' };

/**
 * Admins build integrations with the keys they create, so they get the whole reference and its
 * request samples; the interactive console (Authorize, Try it out) stays with superadmins, as the
 * issue asks. Admins run the samples with their own keys instead.
 */
export default async function AdminApiDocsPage() {
  const user = await requireAdmin();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-500">
            Every /crm operation, the permission it needs and the request in curl, JavaScript and Python.
            Create a key on the{' '}
            <Link href="/admin/api-keys" className="font-medium text-indigo-700 hover:underline">
              API keys
            </Link>{' '}
            page, put it in <code className="font-mono text-xs">CRM_API_KEY</code> and run a sample.
            {canOpenSuperadminPages(user) ? (
              <>
                {' '}
                To send requests from the browser, use the{' '}
                <Link href="/superadmin/api-docs" className="font-medium text-indigo-700 hover:underline">
                  interactive API docs
                </Link>
                .
              </>
            ) : null}
          </p>
        </div>
        <a
          href="/crm/openapi.json"
          className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50"
        >
          OpenAPI document (JSON)
        </a>
      </div>
      <SwaggerDocs interactive={false} />
    </div>
  );
}
