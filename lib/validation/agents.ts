import { z } from 'zod';
import { agentStatuses } from '@/db/schema/agents';
import { emailField, pageSchema, recordShape, requiredText, text, updateSchemaFrom } from './crm';

export const createAgentSchema = z.strictObject({
  name: requiredText('Name'),
  email: emailField.optional(),
  team: text('Team', 100).optional(),
  status: z.enum(agentStatuses, { error: `Status is one of: ${agentStatuses.join(', ')}.` }).optional(),
});
export const updateAgentSchema = updateSchemaFrom(createAgentSchema);

export const agentSchema = z.object({
  ...recordShape,
  name: z.string(),
  email: z.string().nullable(),
  team: z.string(),
  status: z.enum(agentStatuses),
});
export const agentListSchema = pageSchema(agentSchema);
