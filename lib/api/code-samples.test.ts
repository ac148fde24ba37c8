import { describe, expect, it } from 'vitest';
import { codeSamples, codeSamplesMarkdown, pythonLiteral } from './code-samples';

describe('request samples', () => {
  const [curl, js, python] = codeSamples({
    method: 'PATCH',
    origin: 'https://crm.example.test',
    path: '/crm/customers/{id}',
    key: true,
    tenant: true,
    body: { name: "O'Brien & Sons", active: false, tags: [], note: null },
    jsonResponse: true,
  });

  it('curl: the key and tenant from the environment, the body shell-quoted', () => {
    expect(curl.source).toBe(
      [
        'curl -X PATCH "https://crm.example.test/crm/customers/$ID" \\',
        '  -H "X-API-KEY: $CRM_API_KEY" \\',
        '  -H "X-Tenant-Id: $CRM_TENANT_ID" \\',
        "  -H 'Content-Type: application/json' \\",
        `  -d '{"name":"O'\\''Brien & Sons","active":false,"tags":[],"note":null}'`,
      ].join('\n'),
    );
  });

  it('fetch: a template URL for the path parameter and a JSON body', () => {
    expect(js.source).toContain('const id = process.env.ID;');
    expect(js.source).toContain('await fetch(`https://crm.example.test/crm/customers/${id}`, {');
    expect(js.source).toContain("'X-API-KEY': process.env.CRM_API_KEY,");
    expect(js.source).toContain("method: 'PATCH',");
    expect(js.source).toContain('"name": "O\'Brien & Sons"');
  });

  it('requests: Python literals, an f-string URL, a timeout', () => {
    expect(python.source).toContain('response = requests.patch(');
    expect(python.source).toContain('f"https://crm.example.test/crm/customers/{id}"');
    expect(python.source).toContain('"active": False');
    expect(python.source).toContain('"note": None');
    expect(python.source).toContain('timeout=10');
  });

  it('leaves the key out of public operations and the tenant out of untenanted ones', () => {
    const [c, j, p] = codeSamples({
      method: 'GET',
      origin: 'http://localhost:3000',
      path: '/crm/health',
      key: false,
      tenant: false,
      jsonResponse: true,
    });
    expect(c.source).toBe('curl -X GET "http://localhost:3000/crm/health"');
    for (const s of [c, j, p]) {
      expect(s.source).not.toMatch(/X-API-KEY|X-Tenant-Id/);
    }
  });

  it('pythonLiteral nests with indentation', () => {
    expect(pythonLiteral({ a: [1, true], b: {} })).toBe(
      '{\n    "a": [\n        1,\n        True,\n    ],\n    "b": {},\n}',
    );
  });

  it('renders the samples as Markdown for Swagger UI', () => {
    const md = codeSamplesMarkdown([curl, js, python]);
    expect(md).toContain('```bash\ncurl -X PATCH');
    expect(md).toContain('**Python (requests)**');
  });
});
