import { defineConfig } from 'drizzle-kit';

// Migrations are generated from db/schema and committed; the app applies them at start-up on either driver.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema/index.ts',
  out: './drizzle',
});
