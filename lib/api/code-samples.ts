/**
 * Request samples for every operation of the OpenAPI document, generated from the operation itself
 * (method, path, example body, whether it needs a key and a tenant) so no endpoint has hand-written
 * samples that could go stale. Pure: no Next or database imports, so it is unit-tested directly.
 */

export type SampleRequest = {
  method: string;
  /** Origin of this server, e.g. "https://crm.example.com". */
  origin: string;
  /** OpenAPI path, e.g. "/crm/customers/{id}"; each {param} becomes an environment variable. */
  path: string;
  /** Sends X-API-KEY (false for the few public routes). */
  key: boolean;
  /** Sends X-Tenant-Id. */
  tenant: boolean;
  /** JSON request body, if the operation takes one. */
  body?: unknown;
  /** The success response has a JSON body (false for 204). */
  jsonResponse: boolean;
};

export type CodeSample = { lang: 'Shell' | 'JavaScript' | 'Python'; label: string; source: string };

/** The environment variables the samples read, so a key is never pasted into a script. */
export const SAMPLE_ENV = { key: 'CRM_API_KEY', tenant: 'CRM_TENANT_ID' } as const;

/** "{id}" → "ID", "{keyId}" → "KEY_ID". */
function envName(param: string): string {
  return param
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function curlSample(r: SampleRequest): string {
  const url = r.origin + r.path.replace(/\{([^}]+)\}/g, (_, p: string) => `$${envName(p)}`);
  const lines = [`curl -X ${r.method} "${url}"`];
  if (r.key) lines.push(`-H "X-API-KEY: $${SAMPLE_ENV.key}"`);
  if (r.tenant) lines.push(`-H "X-Tenant-Id: $${SAMPLE_ENV.tenant}"`);
  if (r.body !== undefined) {
    lines.push(`-H 'Content-Type: application/json'`);
    lines.push(`-d ${shellQuote(JSON.stringify(r.body))}`);
  }
  return lines.join(' \\\n  ');
}

function indentAfterFirst(text: string, spaces: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(spaces)}`);
}

function fetchSample(r: SampleRequest): string {
  const params = pathParams(r.path);
  const url = r.origin + r.path.replace(/\{([^}]+)\}/g, (_, p: string) => `\${${camel(p)}}`);
  const out: string[] = [];
  for (const p of params) out.push(`const ${camel(p)} = process.env.${envName(p)};`);
  const headers: string[] = [];
  if (r.key) headers.push(`'X-API-KEY': process.env.${SAMPLE_ENV.key},`);
  if (r.tenant) headers.push(`'X-Tenant-Id': process.env.${SAMPLE_ENV.tenant},`);
  if (r.body !== undefined) headers.push(`'Content-Type': 'application/json',`);
  out.push(`const response = await fetch(${params.length ? `\`${url}\`` : `'${url}'`}, {`);
  out.push(`  method: '${r.method}',`);
  if (headers.length) {
    out.push('  headers: {');
    for (const h of headers) out.push(`    ${h}`);
    out.push('  },');
  }
  if (r.body !== undefined) {
    out.push(`  body: JSON.stringify(${indentAfterFirst(JSON.stringify(r.body, null, 2), 2)}),`);
  }
  out.push('});');
  out.push(
    r.jsonResponse
      ? 'console.log(response.status, await response.json());'
      : 'console.log(response.status, await response.text());',
  );
  return out.join('\n');
}

function camel(param: string): string {
  return param.replace(/[^A-Za-z0-9]+([A-Za-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A JSON value as a Python literal (True/False/None, double-quoted strings). */
export function pythonLiteral(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent + 4);
  const end = ' '.repeat(indent);
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'None';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => pad + pythonLiteral(v, indent + 4)).join(',\n')},\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${pad}${JSON.stringify(k)}: ${pythonLiteral(v, indent + 4)}`).join(',\n')},\n${end}}`;
}

function pythonSample(r: SampleRequest): string {
  const params = pathParams(r.path);
  const url = r.origin + r.path.replace(/\{([^}]+)\}/g, (_, p: string) => `{${snake(p)}}`);
  const out = ['import os', '', 'import requests', ''];
  for (const p of params) out.push(`${snake(p)} = os.environ["${envName(p)}"]`);
  if (params.length) out.push('');
  out.push(`response = requests.${r.method.toLowerCase()}(`);
  out.push(`    ${params.length ? 'f' : ''}"${url}",`);
  const headers: string[] = [];
  if (r.key) headers.push(`"X-API-KEY": os.environ["${SAMPLE_ENV.key}"],`);
  if (r.tenant) headers.push(`"X-Tenant-Id": os.environ["${SAMPLE_ENV.tenant}"],`);
  if (headers.length) {
    out.push('    headers={');
    for (const h of headers) out.push(`        ${h}`);
    out.push('    },');
  }
  if (r.body !== undefined) out.push(`    json=${pythonLiteral(r.body, 4)},`);
  out.push('    timeout=10,');
  out.push(')');
  out.push(
    r.jsonResponse
      ? 'print(response.status_code, response.json())'
      : 'print(response.status_code, response.text)',
  );
  return out.join('\n');
}

function snake(param: string): string {
  return envName(param).toLowerCase();
}

/** curl, JavaScript (fetch) and Python (requests), in that order. */
export function codeSamples(request: SampleRequest): CodeSample[] {
  return [
    { lang: 'Shell', label: 'curl', source: curlSample(request) },
    { lang: 'JavaScript', label: 'JavaScript (fetch)', source: fetchSample(request) },
    { lang: 'Python', label: 'Python (requests)', source: pythonSample(request) },
  ];
}

/** The samples as a Markdown section, for renderers (Swagger UI) that ignore x-codeSamples. */
export function codeSamplesMarkdown(samples: CodeSample[]): string {
  const fence: Record<CodeSample['lang'], string> = {
    Shell: 'bash',
    JavaScript: 'javascript',
    Python: 'python',
  };
  return [
    '#### Request samples',
    ...samples.map((s) => `**${s.label}**\n\n\`\`\`${fence[s.lang]}\n${s.source}\n\`\`\``),
  ].join('\n\n');
}
