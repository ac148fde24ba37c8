// Runs once per server process before it takes requests: everything that runs in the background,
// and how the process stops, is lib/lifecycle.ts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  const { startProcess } = await import('./lib/lifecycle');
  await startProcess();
}
