/**
 * How the pages say an audit event in words: "Ada Admin regenerated Billing sync (sk_live_…N11m)".
 * Pure (no database): the audit log and a key's trail use the same words, the filter the same labels.
 */
import { formatDateTime } from './format';

type ActionWords = { verb: string; label: string; noun?: string };

/** Per action: the verb of the sentence and the label of the filter list. */
const ACTIONS: Record<string, ActionWords> = {
  'key.created': { verb: 'created', label: 'API key created', noun: 'API key' },
  'key.updated': { verb: 'edited', label: 'API key edited', noun: 'API key' },
  'key.regenerated': { verb: 'regenerated', label: 'API key regenerated', noun: 'API key' },
  'key.disabled': { verb: 'disabled', label: 'API key disabled', noun: 'API key' },
  'key.enabled': { verb: 'enabled', label: 'API key enabled', noun: 'API key' },
  'key.revoked': { verb: 'revoked', label: 'API key revoked', noun: 'API key' },
  'key.deleted': { verb: 'deleted', label: 'API key deleted', noun: 'API key' },
  'key.rotation_ended': { verb: 'ended the old secret of', label: 'Old secret ended', noun: 'API key' },
  'key.leaked': { verb: 'revoked as leaked', label: 'API key reported leaked', noun: 'API key' },
  'personal_key.created': { verb: 'turned on the personal key of', label: 'Personal key turned on' },
  'personal_key.regenerated': { verb: 'regenerated the personal key of', label: 'Personal key regenerated' },
  'personal_key.cleared': { verb: 'turned off the personal key of', label: 'Personal key turned off' },
  'organisation.api_access_changed': {
    verb: 'changed API access for non-admins in',
    label: 'API access for non-admins changed',
  },
  'organisation.key_policy_changed': { verb: 'changed the key policy of', label: 'Key policy changed' },
  'webhook.created': { verb: 'registered', label: 'Webhook registered', noun: 'webhook' },
  'webhook.paused': { verb: 'paused', label: 'Webhook paused', noun: 'webhook' },
  'webhook.resumed': { verb: 'resumed', label: 'Webhook resumed', noun: 'webhook' },
  'webhook.deleted': { verb: 'deleted', label: 'Webhook deleted', noun: 'webhook' },
  'webhook.switched_off': { verb: 'switched off', label: 'Webhook switched off', noun: 'webhook' },
};

function fallbackWords(action: string): ActionWords {
  const words = action.replace(/[._]/g, ' ');
  return { verb: words, label: words.charAt(0).toUpperCase() + words.slice(1) };
}

export function auditActionWords(action: string): ActionWords {
  return ACTIONS[action] ?? fallbackWords(action);
}

/** The filter's label of an action: "API key regenerated". */
export function auditActionLabel(action: string): string {
  return auditActionWords(action).label;
}

const FIELDS: Record<string, string> = {
  name: 'Name',
  description: 'Description',
  permissions: 'Permissions',
  tenants: 'Allowed tenants',
  expires_at: 'Expires',
  status: 'Status',
  visible_id: 'Key',
  api_access_for_non_admins: 'API access for non-admins',
  webhooks_switched_off: 'Webhooks switched off',
  url: 'URL',
  entity: 'Entity',
  operation: 'Operation',
};

export function auditFieldLabel(field: string): string {
  return FIELDS[field] ?? field.replace(/_/g, ' ');
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A before/after value for people: organisation ids become names, times the app's one format. */
export function auditValue(value: unknown, names: ReadonlyMap<string, string> = new Map()): string {
  if (value === null || value === undefined) return '—';
  if (value === 'all') return 'all tenants';
  if (value === true) return 'allowed';
  if (value === false) return 'not allowed';
  if (Array.isArray(value))
    return value.length ? value.map((v) => names.get(String(v)) ?? String(v)).join(', ') : '(none)';
  if (typeof value === 'string') {
    if (value === '') return '(empty)';
    if (ISO.test(value)) return formatDateTime(value);
    return names.get(value) ?? value;
  }
  return JSON.stringify(value);
}

/** "::ffff:203.0.113.9" (an IPv4 address seen through an IPv6 socket) is shown as "203.0.113.9". */
export function displayIp(ip: string | null | undefined): string | null {
  if (!ip) return null;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1] : ip;
}

const CLIENTS: [RegExp, string][] = [
  [/\bcurl\/(\d+\.\d+)/i, 'curl'],
  [/\bEdg\/(\d+)/, 'Edge'],
  [/\bFirefox\/(\d+)/, 'Firefox'],
  [/\bHeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/\bChrome\/(\d+)/, 'Chrome'],
  [/\bVersion\/(\d+)[^ ]* .*Safari\//, 'Safari'],
  [/\bPostmanRuntime\/(\d+\.\d+)/, 'Postman'],
  [/\bpython-requests\/(\d+\.\d+)/, 'Python requests'],
  [/\bnode-fetch|undici|\bnode\b/i, 'Node.js'],
  [/\bZapier\b/i, 'Zapier'],
];
const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad/, 'iOS'],
  [/Android/, 'Android'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

/** "Chrome 131 on macOS", "curl 8.5": a user agent in a few words (the full string goes on hover). */
export function summariseUserAgent(ua: string | null | undefined): string | null {
  if (!ua) return null;
  const client = CLIENTS.find(([re]) => re.test(ua));
  const system = SYSTEMS.find(([re]) => re.test(ua));
  if (!client) return ua.length > 32 ? `${ua.slice(0, 30)}…` : ua;
  const version = client[0].exec(ua)?.[1];
  const name = version ? `${client[1]} ${version}` : client[1];
  return system && !/^(curl|Postman|Python|Node)/.test(client[1]) ? `${name} on ${system[1]}` : name;
}
