import { describe, expect, it } from 'vitest';
import { pendingDeadlines, withDeadline } from './deadline';

const timeout = () => new Error('deadline');
const never = () => new Promise<never>(() => {});

describe('withDeadline', () => {
  it('passes a value or an error through and leaves nothing armed', async () => {
    await expect(withDeadline(Promise.resolve(42), 1000, timeout)).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error('boom')), 1000, timeout)).rejects.toThrow('boom');
    expect(pendingDeadlines()).toBe(0);
  });

  it('rejects work that overruns, not before its time and soon after it', async () => {
    const started = performance.now();
    await expect(withDeadline(never(), 120, timeout)).rejects.toThrow('deadline');
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(120);
    expect(took).toBeLessThan(120 + 500);
    expect(pendingDeadlines()).toBe(0);
  });

  it('keeps each deadline of many concurrent ones apart', async () => {
    const slow = Array.from({ length: 50 }, () => withDeadline(never(), 100, timeout));
    const fast = Array.from({ length: 50 }, (_, i) =>
      withDeadline(new Promise((resolve) => setTimeout(resolve, 10, i)), 5000, timeout),
    );
    expect(await Promise.all(fast)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const outcomes = await Promise.allSettled(slow);
    expect(outcomes.every((o) => o.status === 'rejected')).toBe(true);
    expect(pendingDeadlines()).toBe(0);
  });

  it('a late answer after the deadline changes nothing', async () => {
    let answer: (value: string) => void = () => {};
    const late = new Promise<string>((resolve) => (answer = resolve));
    const guarded = withDeadline(late, 60, timeout);
    await expect(guarded).rejects.toThrow('deadline');
    answer('too late');
    await expect(guarded).rejects.toThrow('deadline');
  });
});
