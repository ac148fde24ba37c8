/**
 * One value per process. Next bundles the proxy, the route handlers and instrumentation apart, so a
 * module-level variable exists once per bundle; they all run in one process, though, and share
 * `globalThis`. A value kept there under `Symbol.for('crm.<name>')` is the same for all of them: one
 * connection pool, one key cache, one usage accumulator, one webhook worker.
 *
 * The names are part of the contract: server.mjs (plain JavaScript, outside the bundles) reaches
 * `crm.request-store`, `crm.http-observe` and `crm.http-drain` by name, and test/db-setup.ts resets
 * `crm.database` and `crm.database.ready`.
 */
type Slots = Record<symbol, unknown>;

const symbols = new Map<string, symbol>();

function slotKey(name: string): symbol {
  let key = symbols.get(name);
  if (!key) {
    key = Symbol.for(`crm.${name}`);
    symbols.set(name, key);
  }
  return key;
}

/** A slot read and written by name: for values another part of the process sets (server.mjs). */
export function processSlot<T>(name: string): {
  get(): T | undefined;
  set(value: T): void;
  clear(): void;
} {
  const key = slotKey(name);
  const slots = globalThis as unknown as Slots;
  return {
    get: () => slots[key] as T | undefined,
    set: (value) => {
      slots[key] = value;
    },
    clear: () => {
      delete slots[key];
    },
  };
}

/**
 * The process's one `name`, made by `create` on first use (again after `forgetProcessSingleton`, or
 * when `create` gave null or undefined).
 *
 * With `key`, the value belongs to that key: asked with another key (e.g. DATABASE_URL changed, as
 * tests do), a new value is made and replaces the old one, which is left as it is (not closed).
 */
export function processSingleton<T>(name: string, create: () => T, key?: string): T {
  const slots = globalThis as unknown as Slots;
  const slot = slotKey(name);
  if (key === undefined) return (slots[slot] ??= create()) as T;
  const current = slots[slot] as { key: string; value: T } | undefined;
  if (current && current.key === key) return current.value;
  const value = create();
  slots[slot] = { key, value };
  return value;
}

/** Drop the process's `name`: the next processSingleton(name, …) makes a new one. */
export function forgetProcessSingleton(name: string): void {
  delete (globalThis as unknown as Slots)[slotKey(name)];
}
