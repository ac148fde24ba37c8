import 'server-only';
import type { Permission } from '@/lib/permissions';
import { HTTP_METHODS, type HttpMethod } from './define';
import type { OpenApiDocument } from './document';

/** Every operation as a row: the API URL list of the management page. */
export type ApiUrl = {
  method: HttpMethod;
  path: string;
  summary: string;
  tag: string;
  permission: Permission | null;
  public: boolean;
  tenant: boolean;
  operationId: string;
};

export function listApiUrls(document: OpenApiDocument): ApiUrl[] {
  const rows: ApiUrl[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method.toLowerCase() as Lowercase<HttpMethod>];
      if (!op) continue;
      rows.push({
        method,
        path,
        summary: op.summary,
        tag: op.tags[0],
        permission: op['x-permission'],
        public: op.security.length === 0,
        tenant: op['x-tenant-scoped'],
        operationId: op.operationId,
      });
    }
  }
  return rows;
}
