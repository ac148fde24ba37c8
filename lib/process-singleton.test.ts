import { afterEach, describe, expect, it } from 'vitest';
import { forgetProcessSingleton, processSingleton, processSlot } from './process-singleton';

const names = ['test.counter', 'test.keyed', 'test.nullable', 'test.slot'];
afterEach(() => names.forEach(forgetProcessSingleton));

describe('processSingleton', () => {
  it('makes the value once and hands the same one to every caller', () => {
    let made = 0;
    const create = () => ({ n: ++made });
    const a = processSingleton('test.counter', create);
    const b = processSingleton('test.counter', create);
    expect(b).toBe(a);
    expect(made).toBe(1);
  });

  it('keeps it under Symbol.for("crm.<name>"), where server.mjs and other bundles find it', () => {
    const value = processSingleton('test.counter', () => ({}));
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('crm.test.counter')]).toBe(value);
    // …and a value put there by someone else (server.mjs opens crm.request-store first) is used.
    const theirs = { from: 'server.mjs' };
    (globalThis as Record<symbol, unknown>)[Symbol.for('crm.test.slot')] = theirs;
    expect(processSingleton('test.slot', () => ({ from: 'here' }))).toBe(theirs);
  });

  it('makes a new one after forgetProcessSingleton, and tries again after null', () => {
    const first = processSingleton('test.counter', () => ({}));
    forgetProcessSingleton('test.counter');
    expect(processSingleton('test.counter', () => ({}))).not.toBe(first);

    let asked = 0;
    expect(processSingleton('test.nullable', () => (asked++, null))).toBeNull();
    expect(processSingleton('test.nullable', () => (asked++, 'on'))).toBe('on');
    expect(asked).toBe(2);
  });

  it('with a key: the same key gets the same value, another key a new one that replaces it', () => {
    let made = 0;
    const create = () => ({ n: ++made });
    const a = processSingleton('test.keyed', create, 'postgres://a');
    expect(processSingleton('test.keyed', create, 'postgres://a')).toBe(a);
    const b = processSingleton('test.keyed', create, 'postgres://b');
    expect(b).not.toBe(a);
    expect(processSingleton('test.keyed', create, 'postgres://b')).toBe(b);
    expect(made).toBe(2);
    // Reset from outside (test/db-setup.ts sets crm.database to undefined): made again.
    (globalThis as Record<symbol, unknown>)[Symbol.for('crm.test.keyed')] = undefined;
    expect(processSingleton('test.keyed', create, 'postgres://b')).not.toBe(b);
  });
});

describe('processSlot', () => {
  it('reads what another part of the process set by name, and clears it', () => {
    const slot = processSlot<() => string>('test.slot');
    expect(slot.get()).toBeUndefined();
    const drain = () => 'drained';
    (globalThis as Record<symbol, unknown>)[Symbol.for('crm.test.slot')] = drain;
    expect(slot.get()).toBe(drain);
    slot.clear();
    expect(slot.get()).toBeUndefined();
    slot.set(drain);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('crm.test.slot')]).toBe(drain);
  });
});
