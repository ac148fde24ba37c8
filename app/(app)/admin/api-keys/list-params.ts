import { listApiKeysSchema, type ListApiKeysInput } from '@/lib/validation/api-keys';

/** The list's defaults: what an address without that parameter means (kept out of URLs). */
export const LIST_DEFAULTS = {
  status: 'current',
  q: '',
  sort: 'created',
  order: 'desc',
  page: 1,
  limit: 20,
} as const satisfies ListApiKeysInput;

type Params = Record<string, string | string[] | undefined>;

/**
 * The list's state lives in the URL (bookmarks and the back button work). Parameters are read
 * through the same schema as the HTTP API; an invalid one falls back to its default rather than
 * failing the page.
 */
export function readListParams(params: Params): ListApiKeysInput {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(LIST_DEFAULTS)) {
    const value = params[key];
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first !== '') raw[key] = first;
  }
  raw.status ??= LIST_DEFAULTS.status;
  const parsed = listApiKeysSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) delete raw[String(issue.path[0])];
  return listApiKeysSchema.parse({ status: LIST_DEFAULTS.status, ...raw });
}

/** The query string for a list state, leaving out defaults. */
export function listHref(filter: ListApiKeysInput, patch: Partial<ListApiKeysInput> = {}): string {
  const next = { ...filter, ...patch };
  const search = new URLSearchParams();
  // Sort and order go together, so a sorted view always says which way.
  const sorted = next.sort !== LIST_DEFAULTS.sort || next.order !== LIST_DEFAULTS.order;
  for (const key of Object.keys(LIST_DEFAULTS) as (keyof typeof LIST_DEFAULTS)[]) {
    const keep = (key === 'sort' || key === 'order') && sorted;
    if (keep || String(next[key]) !== String(LIST_DEFAULTS[key])) search.set(key, String(next[key]));
  }
  const query = search.toString();
  return query ? `/admin/api-keys?${query}` : '/admin/api-keys';
}
