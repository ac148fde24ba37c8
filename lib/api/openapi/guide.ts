import 'server-only';
import { ADMIN_PERMISSION, RESOURCES } from '@/lib/permissions';
import { SAMPLE_ENV } from '../code-samples';
import { ERROR_CODES } from '../errors';

/**
 * The guide at the top of the document (its info.description, Markdown): quick start,
 * authentication, tenants, the permission table and the error table, for this server's origin.
 */
export function apiGuide(origin: string): string {
  const permissionRows = RESOURCES.map((r) => {
    const readOnly = 'readOnly' in r && r.readOnly;
    return `| ${r.label} | \`${r.id}:read\` | ${readOnly ? '—' : `\`${r.id}:write\``} |`;
  });
  const errorRows = Object.entries(ERROR_CODES).map(
    ([code, e]) => `| \`${code}\` | ${e.status} | ${e.message} |`,
  );
  return `The HTTP API of the CRM. Every path below is relative to **${origin}**.

## Quick start

1. An admin creates an API key on the **API keys** page (${origin}/admin/api-keys) and copies it: it is shown once.
2. Keep it in an environment variable, never in code: \`export ${SAMPLE_ENV.key}=sk_live_…\`
3. Call the API:

\`\`\`bash
curl "${origin}/crm/me" -H "X-API-KEY: $${SAMPLE_ENV.key}"
\`\`\`

Every operation below carries the same request in curl, JavaScript (fetch) and Python (requests).

## Authentication

Send the key in the \`X-API-KEY\` header, or as \`Authorization: Bearer <key>\`. Integration keys
start with \`sk_live_\`, personal keys with \`pat_live_\`. Sending two different keys is refused.

## Organisations (tenants)

Operations on CRM data act on one organisation. Name it with the \`X-Tenant-Id\` header (its id,
\`export ${SAMPLE_ENV.tenant}=…\`). A key that may reach exactly one organisation can leave it out.
\`GET /crm/me\` lists the organisations your key may reach.

## Permissions

Each operation names the permission it needs. \`admin\` holds every permission; write never implies read.

| Resource | Read | Write |
| --- | --- | --- |
| All (key management included) | \`${ADMIN_PERMISSION}\` | \`${ADMIN_PERMISSION}\` |
${permissionRows.join('\n')}

## Errors

Every error has the same JSON shape, with a stable \`code\`:

\`\`\`json
{ "error": { "code": "permission_denied", "message": "This key needs the customers:read permission.", "request_id": "…" } }
\`\`\`

| Code | HTTP status | Meaning |
| --- | --- | --- |
${errorRows.join('\n')}
`;
}
