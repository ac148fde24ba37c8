import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { drizzle as drizzlePostgres, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { PGlite } from '@electric-sql/pglite';
import { claimEmbeddedDatabase } from './embedded-lock';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import postgres from 'postgres';
import { readEnv } from '@/lib/env';
import { processSingleton } from '@/lib/process-singleton';
import * as schema from './schema';

/**
 * Both drivers expose the same drizzle query API; the app is typed against the postgres-js flavour
 * and never uses driver-specific features, so the PGlite instance is used through the same type.
 */
export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or an open transaction: queries accept both. */
export type Executor = Database | Transaction;

/** Stops a subscription made by listen(). */
export type Unlisten = () => Promise<void>;

export type DatabaseHandle = {
  driver: 'postgres' | 'pglite';
  db: Database;
  /** A raw postgres-js client (PostgreSQL only). */
  sql?: postgres.Sql;
  /** This instance's application_name on PostgreSQL (metrics find its sessions by it). */
  applicationName?: string;
  pglite?: PGlite;
  ready: Promise<void>;
  /**
   * LISTEN on `channel`, on either driver; resolves once subscribed. `onSubscribed` runs then, and
   * again after every re-subscription: on PostgreSQL the listener has a connection of its own, which
   * postgres-js re-opens and re-subscribes by itself after it drops; notifications sent meanwhile
   * are lost, so a caller that caches must start afresh there. (PGlite runs in this process: its
   * subscription never drops.)
   */
  listen(channel: string, onMessage: (payload: string) => void, onSubscribed?: () => void): Promise<Unlisten>;
  /**
   * NOTIFY `channel`, outside any transaction (delivered at once). In a transaction, whose
   * notifications must go out on commit only, run `select pg_notify(…)` on the transaction instead.
   */
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
};

const migrationsFolder = path.join(process.cwd(), 'drizzle');

/** Open a database and apply the migrations. The app uses the one from getDatabase(). */
export function openDatabase(config: { url?: string; dataDir: string }): DatabaseHandle {
  if (config.url) {
    const env = readEnv();
    const applicationName = `crm ${hostname()} ${process.pid}`.slice(0, 63);
    const sql = postgres(config.url, {
      max: 10,
      onnotice: () => {},
      backoff: reconnectBackoffSeconds,
      // Fail fast: a database that does not answer costs a request 2 s, not postgres-js's 30 s.
      connect_timeout: env.DATABASE_CONNECT_TIMEOUT_MS / 1000,
      // Notice a dead peer (no RST, e.g. a cut network) within seconds rather than the OS's hours.
      keep_alive: 5,
      // Sent in the startup packet, so every session of the pool has them, the listener's too. A
      // statement or a lock wait that overruns is cancelled by the server and answered 503.
      connection: {
        application_name: applicationName,
        statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
        lock_timeout: env.DATABASE_LOCK_TIMEOUT_MS,
        idle_in_transaction_session_timeout: 2 * env.DATABASE_STATEMENT_TIMEOUT_MS,
      },
    });
    const db = drizzlePostgres(sql, { schema });
    return {
      driver: 'postgres',
      db,
      sql,
      applicationName,
      ready: migratePostgresLocked(config.url),
      listen: async (channel, onMessage, onSubscribed) => {
        // postgres-js calls onSubscribed (its `onlisten`) after the first LISTEN and after each re-LISTEN.
        const subscription = await sql.listen(channel, onMessage, onSubscribed);
        return () => subscription.unlisten();
      },
      notify: async (channel, payload) => {
        await sql`select pg_notify(${channel}, ${payload})`;
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  if (!config.dataDir.startsWith('memory://')) {
    mkdirSync(config.dataDir, { recursive: true });
    claimEmbeddedDatabase(config.dataDir);
  }
  const client = new PGlite({
    dataDir: config.dataDir.startsWith('memory://') ? undefined : path.join(config.dataDir, 'pglite'),
    // pg_trgm backs the admin list's search (drizzle/0011_api_key_search.sql), as on PostgreSQL.
    extensions: { pg_trgm },
  });
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    driver: 'pglite',
    db,
    pglite: client,
    ready: migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
    listen: async (channel, onMessage, onSubscribed) => {
      const unlisten = await client.listen(channel, onMessage);
      onSubscribed?.();
      return unlisten;
    },
    notify: async (channel, payload) => {
      await client.query('select pg_notify($1, $2)', [channel, payload]);
    },
    close: () => client.close(),
  };
}

/**
 * Seconds to wait before reconnecting after the n-th failed connection in a row. postgres-js's
 * default (3^n/100 s, capped at 20 s, counted over the whole pool) meant that after a few seconds of
 * outage a query waited 10–20 s on a reconnect timer although the database was already back: the
 * webhook stall of issue 19. A refused connection costs almost nothing, so retry quickly, capped at
 * 200 ms (each of the pool's connections waits its own), with jitter so instances do not reconnect in lockstep.
 */
export function reconnectBackoffSeconds(retries: number): number {
  return Math.min(0.01 * 2 ** retries, 0.2) * (0.5 + Math.random() / 2);
}

/**
 * Several app instances may start at once on one PostgreSQL: an advisory lock on a dedicated
 * connection makes exactly one of them apply pending migrations while the others wait.
 */
async function migratePostgresLocked(url: string): Promise<void> {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: readEnv().DATABASE_CONNECT_TIMEOUT_MS / 1000,
  });
  try {
    await sql`select pg_advisory_lock(727274)`;
    await migratePostgres(drizzlePostgres(sql), { migrationsFolder });
    await sql`select pg_advisory_unlock(727274)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * The process's one handle (lib/process-singleton.ts), so there is exactly one connection pool (and
 * one PGlite, which must never be opened twice on the same folder). Settings that differ from the
 * handle's (tests point DATABASE_URL elsewhere) open a new one.
 */
export function getDatabase(): DatabaseHandle {
  // On the hot path (every query goes through here): compare raw settings, validate only on change.
  const key = `${process.env.DATABASE_URL ?? ''}|${process.env.DATA_DIR ?? ''}`;
  return processSingleton(
    'database',
    () => {
      const env = readEnv();
      const dataDir = env.DATA_DIR.startsWith('memory://') ? env.DATA_DIR : path.resolve(env.DATA_DIR);
      return openDatabase({ url: env.DATABASE_URL, dataDir });
    },
    key,
  );
}

/** The one database client. Lazily opened, so importing this module never connects (e.g. at build). */
export const db: Database = new Proxy({} as Database, {
  get(_target, prop) {
    const real = getDatabase().db;
    const value = Reflect.get(real, prop, real);
    return typeof value === 'function' ? value.bind(real) : value;
  },
});

export { schema };
