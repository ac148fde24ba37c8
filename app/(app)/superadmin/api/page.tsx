import type { Metadata } from 'next';
import { headers } from 'next/headers';
import Link from 'next/link';
import { listOrganisations } from '@/db/queries/organisations';
import { listApiUrls, type ApiUrl } from '@/lib/api/openapi/urls';
import { apiDocument } from '@/app/crm/_openapi/routes';
import { requestOrigin } from '@/lib/api/request';
import { requireSuperadmin } from '@/lib/auth/session';
import { Cell, Row, TableShell } from '@/components/ui/table-shell';

export const metadata: Metadata = { title: 'API management' };

const METHOD_STYLE: Record<string, string> = {
  GET: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  POST: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  PUT: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  PATCH: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  DELETE: 'bg-rose-50 text-rose-700 ring-rose-600/20',
};

function PermissionCell({ url }: { url: ApiUrl }) {
  if (url.public) return <span className="text-slate-600">None (no key)</span>;
  if (!url.permission) return <span className="text-slate-600">Any valid key</span>;
  return (
    <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
      {url.permission}
    </code>
  );
}

/** The superadmin's overview of the HTTP API: base URL, every API URL with its permission, links. */
export default async function ApiManagementPage() {
  await requireSuperadmin();
  const origin = requestOrigin(await headers(), process.env.NEXTAUTH_URL);
  // The same document /crm/openapi.json serves, so this list cannot disagree with the docs.
  const urls = listApiUrls(apiDocument(origin));
  const organisations = await listOrganisations({ scope: { all: true } });
  const links = [
    {
      href: '/superadmin/api-docs',
      title: 'Interactive API docs',
      text: 'Authorize with a key and try every operation.',
    },
    {
      href: '/crm/openapi.json',
      title: 'OpenAPI document',
      text: 'OpenAPI 3.1 JSON, for code generators and clients.',
    },
    { href: '/admin/api-keys', title: 'API keys', text: 'Create, regenerate, disable and revoke keys.' },
    {
      href: '/admin/audit-log',
      title: 'Audit log',
      text: 'Every change to keys and settings, and who made it.',
    },
  ];
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API management</h1>
        <p className="mt-1 text-sm text-slate-600">
          The CRM&apos;s HTTP API: where it is, what it offers, who may call what.
        </p>
      </div>

      <section aria-labelledby="base-url" className="rounded-xl border border-slate-200 bg-surface p-5">
        <h2 id="base-url" className="text-sm font-semibold text-slate-700">
          Base URL
        </h2>
        <p className="mt-2 font-mono text-lg text-slate-900" data-testid="base-url">
          {origin}/crm
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Send the key as <code className="font-mono text-xs">X-API-KEY: &lt;key&gt;</code> or{' '}
          <code className="font-mono text-xs">Authorization: Bearer &lt;key&gt;</code>. Try it:
        </p>
        <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs text-slate-100">
          <code>{`curl "${origin}/crm/me" -H "X-API-KEY: $CRM_API_KEY"`}</code>
        </pre>
      </section>

      <nav aria-label="API tools" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {links.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            prefetch={false}
            className="rounded-xl border border-slate-200 bg-surface p-4 hover:border-indigo-300 hover:shadow-sm"
          >
            <span className="block font-medium text-indigo-700">{l.title}</span>
            <span className="mt-1 block text-sm text-slate-600">{l.text}</span>
          </Link>
        ))}
      </nav>

      <section aria-labelledby="api-urls" className="space-y-3">
        <div className="flex items-baseline justify-between">
          <h2 id="api-urls" className="text-lg font-semibold">
            API URLs
          </h2>
          <span className="text-sm text-slate-600">{urls.length} operations</span>
        </div>
        <TableShell
          caption="Every API URL, its method and the permission it needs"
          columns={[
            { id: 'method', header: 'Method' },
            { id: 'url', header: 'URL' },
            { id: 'summary', header: 'What it does' },
            { id: 'permission', header: 'Permission' },
            { id: 'tenant', header: 'Tenant' },
          ]}
        >
          {urls.map((url) => (
            <Row key={`${url.method} ${url.path}`} data-testid="api-url">
              <Cell>
                <span
                  className={`inline-block w-16 rounded px-2 py-0.5 text-center font-mono text-xs font-semibold ring-1 ring-inset ${METHOD_STYLE[url.method] ?? 'bg-slate-50 text-slate-700 ring-slate-600/20'}`}
                >
                  {url.method}
                </span>
              </Cell>
              <Cell wide className="font-mono text-xs">
                <Link
                  href={`/superadmin/api-docs#/${encodeURIComponent(url.tag)}/${url.operationId}`}
                  className="text-slate-800 hover:text-indigo-700 hover:underline"
                >
                  {url.path}
                </Link>
              </Cell>
              <Cell label="What it does" className="text-slate-600">
                {url.summary}
              </Cell>
              <Cell label="Permission">
                <PermissionCell url={url} />
              </Cell>
              <Cell label="Tenant" className="text-slate-600">
                {url.tenant ? 'X-Tenant-Id' : '—'}
              </Cell>
            </Row>
          ))}
        </TableShell>
      </section>

      <section aria-labelledby="tenants" className="space-y-3">
        <h2 id="tenants" className="text-lg font-semibold">
          Organisations
        </h2>
        <p className="text-sm text-slate-600">
          Operations on CRM data act on one organisation: name it with{' '}
          <code className="font-mono text-xs">X-Tenant-Id</code> when a key may reach more than one.
        </p>
        <TableShell
          caption="Organisations and the X-Tenant-Id that names each"
          columns={[
            { id: 'organisation', header: 'Organisation' },
            { id: 'tenant-id', header: 'X-Tenant-Id' },
          ]}
        >
          {organisations.map((o) => (
            <Row key={o.id}>
              <Cell wide className="font-medium">
                {o.name}
              </Cell>
              <Cell label="X-Tenant-Id" className="font-mono text-xs break-all">
                {o.id}
              </Cell>
            </Row>
          ))}
        </TableShell>
      </section>
    </div>
  );
}
