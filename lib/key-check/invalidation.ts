import { processSingleton } from '@/lib/process-singleton';

/**
 * Anything that caches key checks subscribes here; every change to a key, its owner or its
 * organisation's API switch announces itself here after it commits.
 */
type Listener = (change: KeyChange) => void;
export type KeyChange = {
  keyIds?: string[];
  userId?: string;
  organisationId?: string;
  /** Everything (e.g. after missed notifications). */
  all?: boolean;
  /** Arrived from another instance: do not broadcast again. */
  remote?: boolean;
};

function listeners(): Set<Listener> {
  return processSingleton('key-invalidation', () => new Set<Listener>());
}

export function onKeyChange(listener: Listener): () => void {
  listeners().add(listener);
  return () => listeners().delete(listener);
}

export function announceKeyChange(change: KeyChange): void {
  for (const listener of listeners()) listener(change);
}
