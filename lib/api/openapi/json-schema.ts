import 'server-only';
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** A zod schema as a JSON Schema for requests (io: input, what clients send) or responses. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const result = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    // Dates and the like, which no JSON response carries, become "any" instead of throwing.
    unrepresentable: 'any',
  }) as JsonSchema;
  // The document declares the dialect once (OpenAPI 3.1 = JSON Schema 2020-12), not per schema.
  delete result.$schema;
  dropSafeIntegerBounds(result);
  return result;
}

/**
 * zod writes the safe-integer range (±2^53 − 1) as the bounds of every int(); Swagger UI then offers
 * -9007199254740991 as an example ("page"). Such bounds say nothing a client needs: drop them.
 */
function dropSafeIntegerBounds(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) return node.forEach(dropSafeIntegerBounds);
  const record = node as Record<string, unknown>;
  if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
  if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
  for (const value of Object.values(record)) dropSafeIntegerBounds(value);
}
