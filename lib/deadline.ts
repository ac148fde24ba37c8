/**
 * Deadlines for many concurrent promises without a timer each. Every guarded request used to arm
 * and clear its own setTimeout and race two promises; on the built server each timer and promise
 * also pays Node's async-context hooks, which showed in the key check's profile. Here a pending
 * promise costs one Set entry, and one shared interval (unref'd, stopped when nothing is pending)
 * rejects the ones that overran. A deadline fires between `ms` and `ms + SWEEP_MS` after it was set.
 */
const SWEEP_MS = 50;

type Pending = { until: number; reject: (error: unknown) => void; error: () => unknown };

const pending = new Set<Pending>();
let sweeper: NodeJS.Timeout | null = null;

/**
 * `work`'s outcome, or a rejection with `onTimeout()` once `ms` have passed without one. The work
 * itself is not cancelled (a database query ends on its own statement timeout).
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const entry: Pending = { until: performance.now() + ms, reject, error: onTimeout };
    pending.add(entry);
    sweeper ??= startSweeper();
    work.then(
      (value) => {
        pending.delete(entry);
        resolve(value);
      },
      (error: unknown) => {
        pending.delete(entry);
        reject(error);
      },
    );
  });
}

function startSweeper(): NodeJS.Timeout {
  const timer = setInterval(() => {
    const now = performance.now();
    for (const entry of pending) {
      if (entry.until > now) continue;
      pending.delete(entry);
      entry.reject(entry.error());
    }
    if (pending.size === 0) {
      clearInterval(timer);
      sweeper = null;
    }
  }, SWEEP_MS);
  timer.unref();
  return timer;
}

/** How many deadlines are armed (tests: none is left behind). */
export function pendingDeadlines(): number {
  return pending.size;
}
