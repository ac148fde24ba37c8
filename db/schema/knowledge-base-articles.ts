import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamps } from './columns';
import { organisations } from './organisations';

/** An article of an organisation's knowledge base: what agents and customers look answers up in. */
export const knowledgeBaseArticles = pgTable(
  'knowledge_base_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: uuid('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    published: boolean('published').notNull().default(false),
    ...timestamps,
  },
  (t) => [index('knowledge_base_articles_org_created_idx').on(t.organisationId, t.createdAt, t.id)],
);

export type KnowledgeBaseArticle = typeof knowledgeBaseArticles.$inferSelect;
