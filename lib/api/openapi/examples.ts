import 'server-only';
import type { JsonSchema } from './json-schema';

/** Example values for the document: request bodies, responses, events, Swagger UI's Try it out. */

export const SAMPLE_UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';

/**
 * An example value for a JSON Schema: its own examples/default/const/enum first, then one made up
 * from the type and format. Objects get their required properties and those that carry examples.
 */
export function exampleFromSchema(schema: JsonSchema | undefined, name = ''): unknown {
  if (!schema) return null;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('example' in schema) return schema.example;
  if ('default' in schema) return schema.default;
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (branches?.length) {
    const pick = branches.find((b) => b.type !== 'null') ?? branches[0];
    return exampleFromSchema(pick, name);
  }
  if (Array.isArray(schema.allOf) && schema.allOf.length) return exampleFromSchema(schema.allOf[0], name);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  const type = types.find((t) => t !== 'null') ?? types[0];
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      const out: Record<string, unknown> = {};
      for (const [key, prop] of Object.entries(properties)) {
        if (required.has(key) || Array.isArray(prop.examples)) out[key] = exampleFromSchema(prop, key);
      }
      // An update schema has no required fields, but an empty body changes nothing: show one.
      const first = Object.keys(properties)[0];
      if (Object.keys(out).length === 0 && first) out[first] = exampleFromSchema(properties[first], first);
      return out;
    }
    case 'array': {
      const count = Math.max(1, Number(schema.minItems ?? 1));
      return Array.from({ length: Math.min(count, 3) }, () => exampleFromSchema(schema.items as JsonSchema));
    }
    case 'integer':
    case 'number':
      return Number(schema.minimum ?? schema.exclusiveMinimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      return exampleString(schema, name);
    default:
      return null;
  }
}

function exampleString(schema: JsonSchema, name: string): string {
  switch (schema.format) {
    case 'uuid':
      return SAMPLE_UUID;
    case 'email':
      return 'jane.doe@example.com';
    case 'date':
      return '2030-01-31';
    case 'date-time':
      return '2030-01-31T12:00:00Z';
    case 'uri':
    case 'url':
      return 'https://example.com/hooks/crm';
  }
  // Fields validated by code rather than a format: go by the name.
  if (/(^|_)(url|uri)$/.test(name)) return 'https://example.com/hooks/crm';
  if (/(^|_)email$/.test(name)) return 'jane.doe@example.com';
  const words = name ? name.replace(/_/g, ' ') : 'text';
  const min = Number(schema.minLength ?? 0);
  const max = Number(schema.maxLength ?? Infinity);
  const fit = (text: string) => text.padEnd(min, 'x').slice(0, max);
  if (typeof schema.pattern !== 'string') return fit(`Example ${words}`);
  // A pattern (phone numbers, SKUs, …): the first of a few typical values that matches it.
  const pattern = new RegExp(schema.pattern, 'u');
  const candidates = [`Example ${words}`, '+44 20 7946 0958', 'SKU-1001', 'EUR', 'example', '12345'];
  return candidates.map(fit).find((c) => pattern.test(c)) ?? fit(`Example ${words}`);
}
