import 'server-only';
import { consume, peek, reset, retryAfterSeconds, type LimitResult } from '@/lib/rate-limit';

/**
 * Sign-in guessing, throttled per account *and address* and per address (lib/rate-limit.ts):
 * - 10 failures in 15 minutes for one e-mail from one address, then that pair waits. The pair, not the
 *   account alone: an attacker elsewhere cannot lock a real admin out by failing on their e-mail.
 * - 100 failures in 15 minutes from one address, whatever the e-mails (password spraying).
 * Only failures count; a successful sign-in resets its pair's counter. A refused attempt never
 * reaches the password check, so it costs no argon2 time either.
 */
function subjects(email: string, address: string | null) {
  const where = address ?? 'unknown';
  return { pair: `${email.trim().toLowerCase()}|${where}`, address: where };
}

/** The refusal for a sign-in attempt that must wait, or null when it may go ahead. */
export async function signInRefusal(email: string, address: string | null): Promise<LimitResult | null> {
  const s = subjects(email, address);
  const [pair, byAddress] = await Promise.all([
    peek('signInAccountAddress', s.pair),
    peek('signInAddress', s.address),
  ]);
  if (!pair.allowed) return pair;
  if (!byAddress.allowed) return byAddress;
  return null;
}

export async function recordSignInFailure(email: string, address: string | null): Promise<void> {
  const s = subjects(email, address);
  await Promise.all([consume('signInAccountAddress', s.pair), consume('signInAddress', s.address)]);
}

export async function recordSignInSuccess(email: string, address: string | null): Promise<void> {
  await reset('signInAccountAddress', subjects(email, address).pair);
}

export { retryAfterSeconds };

/** The `error` the login form receives for a throttled attempt: "TooManyAttempts:<seconds>". */
export const TOO_MANY_ATTEMPTS = 'TooManyAttempts';
