import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { generateKey } from '@/lib/keys/format';
import { createLogger, requestStore, scrub } from './log';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger(stream),
    lines: () => lines.map((l) => JSON.parse(l)),
    raw: () => lines.join('\n'),
  };
}

describe('JSON logs', () => {
  const key = generateKey('integration');
  const personal = generateKey('personal');
  const whsec = 'whsec_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1v';

  it('one JSON object per line, with level, time, message and the request id of the request', () => {
    const { logger, lines } = capture();
    requestStore().run({ requestId: 'req-123' }, () => logger.info({ n: 1 }, 'hello'));
    logger.warn('outside');
    const [inside, outside] = lines();
    expect(inside).toMatchObject({ level: 'info', msg: 'hello', n: 1, request_id: 'req-123' });
    expect(typeof inside.time).toBe('string');
    expect(outside).toMatchObject({ level: 'warn', msg: 'outside' });
    expect(outside.request_id).toBeUndefined();
  });

  it('keys, signing secrets, passwords, bodies, query parameters and bearer tokens never get out', () => {
    const { logger, raw } = capture();
    // What postgres-js and drizzle throw: the query text and its parameters ride along.
    const driverError = Object.assign(new Error(`invalid input syntax for type uuid: "${key}"`), {
      code: '22P02',
      query: 'select * from api_keys where key_hash = $1',
      parameters: [key],
    });
    const drizzleError = Object.assign(
      new Error(`Failed query: insert into webhooks values ($1, $2)\nparams: ${whsec},${key}`),
      { query: 'insert into webhooks values ($1, $2)', params: [whsec, key], cause: driverError },
    );
    logger.error({ err: drizzleError }, `request with ${key} failed`);
    logger.error(
      {
        password: 'hunter2-hunter2',
        body: { name: 'x', api_key: key },
        headers: { authorization: `Bearer ${personal}` },
        note: `sent Authorization: Bearer ${personal} and ${whsec}`,
        nested: { deeper: { signingSecret: whsec, parameters: [key] } },
      },
      'context',
    );
    const out = raw();
    for (const secret of [key, personal, whsec, 'hunter2-hunter2', key.slice(8)])
      expect(out).not.toContain(secret);
    const [first, second] = out.split('\n').map((l) => JSON.parse(l));
    // The error: class, code and a scrubbed message of the driver, never the query or its values.
    expect(first.err).toEqual({
      type: 'Error',
      code: '22P02',
      message: 'invalid input syntax for type uuid: "…"',
    });
    expect(first.msg).toBe('request with sk_live_[redacted] failed');
    expect(out).not.toContain('insert into webhooks');
    expect(second.password).toBe('[redacted]');
    expect(second.body).toBe('[redacted]');
    expect(second.note).toBe('sent Authorization: Bearer [redacted] and whsec_[redacted]');
  });

  it('scrub masks anything shaped like a key, even a malformed one', () => {
    expect(scrub('a sk_live_abc and pat_live_XYZ0 and whsec_q-_w')).toBe(
      'a sk_live_[redacted] and pat_live_[redacted] and whsec_[redacted]',
    );
  });
});
