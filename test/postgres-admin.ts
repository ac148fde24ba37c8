import postgres from 'postgres';

/**
 * Fresh throw-away databases on the PostgreSQL named by DATABASE_URL, for tests and the e2e servers.
 * Names carry their creation time, so leftovers of a killed run are dropped by the next one.
 */
export async function createTestDatabase(
  baseUrl: string,
  label: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `crm_${label}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await dropStaleDatabases(admin);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end({ timeout: 5 });
      }
    },
  };
}

async function dropStaleDatabases(admin: postgres.Sql): Promise<void> {
  const rows = await admin<
    { datname: string }[]
  >`select datname from pg_database where datname like 'crm\\_%\\_%\\_%'`;
  const cutoff = Date.now() - 6 * 60 * 60 * 1000;
  for (const { datname } of rows) {
    const ts = Number(datname.split('_').at(-2));
    if (Number.isFinite(ts) && ts > 1e12 && ts < cutoff) {
      await admin.unsafe(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
  }
}
