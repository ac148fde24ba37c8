import type { Metadata } from 'next';
import Link from 'next/link';
import { SwaggerDocs } from '@/components/api-docs/swagger-docs';
import { requireSuperadmin } from '@/lib/auth/session';

export const metadata: Metadata = { title: 'API docs' };

export default async function ApiDocsPage() {
  // The layout checks too; a page never relies on its layout alone.
  await requireSuperadmin();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">API docs</h1>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            Every /crm operation. Choose <strong>Authorize</strong>, paste an API key, then open an operation
            and use <strong>Try it out</strong>: requests go to this server, as that key. Each operation also
            shows the request in curl, JavaScript and Python.
          </p>
        </div>
        <div className="flex gap-2 text-sm">
          <Link
            href="/superadmin/api"
            className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50"
          >
            API management
          </Link>
          <a
            href="/crm/openapi.json"
            className="rounded-md border border-slate-300 bg-surface px-3 py-1.5 font-medium text-slate-700 hover:bg-slate-50"
          >
            OpenAPI document (JSON)
          </a>
        </div>
      </div>
      <SwaggerDocs interactive />
    </div>
  );
}
