import { timestamp } from 'drizzle-orm/pg-core';

/** Every timestamp is `timestamptz`, stored and compared in UTC. */
export const utc = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const timestamps = {
  createdAt: utc('created_at').notNull().defaultNow(),
  updatedAt: utc('updated_at').notNull().defaultNow(),
};
