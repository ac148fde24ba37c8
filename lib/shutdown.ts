import { processSingleton } from '@/lib/process-singleton';

/**
 * Work that must finish before the database closes on shutdown (SIGTERM/SIGINT): background workers
 * register here; lib/lifecycle.ts runs them all after the HTTP drain, then closes the database once,
 * so no worker is left mid-query on a closed connection.
 */
type Hook = () => Promise<void>;

function hooks(): Set<Hook> {
  return processSingleton('shutdown-hooks', () => new Set<Hook>());
}

export function onShutdown(hook: Hook): () => void {
  hooks().add(hook);
  return () => hooks().delete(hook);
}

export async function runShutdownHooks(): Promise<void> {
  await Promise.allSettled([...hooks()].map((hook) => hook()));
}
