import { z } from 'zod';
import { pageSchema, recordShape, requiredText, text, updateSchemaFrom } from './crm';

export const MAX_ARTICLE_TAGS = 20;

const tagsField = z
  .array(requiredText('Tag', 50), { error: 'Tags are a list of words.' })
  .max(MAX_ARTICLE_TAGS, `Use at most ${MAX_ARTICLE_TAGS} tags.`)
  // The same tag twice says nothing more: keep the first.
  .transform((tags) => [...new Set(tags)]);

export const createArticleSchema = z.strictObject({
  title: requiredText('Title'),
  body: text('Body', 50_000).optional(),
  tags: tagsField.optional(),
  published: z.boolean({ error: 'Published is true or false.' }).optional(),
});
export const updateArticleSchema = updateSchemaFrom(createArticleSchema);

export const articleSchema = z.object({
  ...recordShape,
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  published: z.boolean(),
});
export const articleListSchema = pageSchema(articleSchema);
