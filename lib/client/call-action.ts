/**
 * Calls a server action from the browser so that a failure never takes the page down: a lost
 * connection or a server crash (the action's promise rejects) becomes an ordinary `error` state the
 * dialog can show inline, with a retry, instead of an exception thrown into React's error boundary.
 */
export const UNREACHABLE_MESSAGE =
  'The server could not be reached, so nothing was changed. Check your connection and try again.';

export async function callAction<S extends { status: string; message?: string }>(
  run: () => Promise<S>,
): Promise<S> {
  try {
    return await run();
  } catch (error) {
    // Next.js signals redirects and not-found by throwing: those must pass through.
    if (error && typeof error === 'object' && 'digest' in error) {
      const digest = String((error as { digest: unknown }).digest);
      if (digest.startsWith('NEXT_')) throw error;
    }
    return { status: 'error', message: UNREACHABLE_MESSAGE } as S;
  }
}
