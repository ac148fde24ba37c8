import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyReportSignature } from './signature';

const scanner = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const body = Buffer.from(JSON.stringify([{ token: 'x', type: 'crm_api_key', url: null, source: 'content' }]));
const signWith = (key = scanner.privateKey, data = body) => sign('sha256', data, key).toString('base64');

beforeAll(() => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'scan-keys-')), 'keys.json');
  writeFileSync(
    file,
    JSON.stringify({
      public_keys: [
        {
          key_identifier: 'k1',
          key: scanner.publicKey.export({ type: 'spki', format: 'pem' }),
          is_current: true,
        },
        { key_identifier: 'broken', key: 'not a key', is_current: false },
      ],
    }),
  );
  process.env.SECRET_SCANNING_KEYS_FILE = file;
});

describe('verifyReportSignature', () => {
  it('accepts the raw body signed by a listed key', async () => {
    expect(await verifyReportSignature(body, 'k1', signWith())).toBe(true);
  });
  it('refuses another key, another body, an unknown identifier and missing headers', async () => {
    expect(await verifyReportSignature(body, 'k1', signWith(other.privateKey))).toBe(false);
    expect(await verifyReportSignature(Buffer.from(body.toString() + ' '), 'k1', signWith())).toBe(false);
    expect(await verifyReportSignature(body, 'k2', signWith())).toBe(false);
    expect(await verifyReportSignature(body, 'broken', signWith())).toBe(false);
    expect(await verifyReportSignature(body, null, signWith())).toBe(false);
    expect(await verifyReportSignature(body, 'k1', null)).toBe(false);
    expect(await verifyReportSignature(body, 'k1', 'bm90IGEgc2lnbmF0dXJl')).toBe(false);
  });
});
