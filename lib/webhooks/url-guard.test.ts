import { describe, expect, it } from 'vitest';
import { checkUrlShape, checkWebhookUrl, classifyAddress, guardedLookup, type Resolver } from './url-guard';

describe('classifyAddress', () => {
  const cases: [string, 'public' | 'private' | 'forbidden'][] = [
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'private'],
    ['127.10.0.5', 'private'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fd00::1', 'private'],
    // The cloud metadata services and link-local: refused even when private addresses are allowed.
    ['169.254.169.254', 'forbidden'],
    ['169.254.1.1', 'forbidden'],
    ['fe80::1', 'forbidden'],
    ['fd00:ec2::254', 'forbidden'],
    ['100.100.100.200', 'forbidden'],
    // IPv4 hidden in IPv6 is judged as the IPv4 address it carries.
    ['::ffff:169.254.169.254', 'forbidden'],
    ['::ffff:127.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::a9fe:a9fe', 'forbidden'],
    ['0.0.0.0', 'forbidden'],
    ['::', 'forbidden'],
    ['255.255.255.255', 'forbidden'],
    ['224.0.0.1', 'forbidden'],
    ['ff02::1', 'forbidden'],
    ['192.0.2.1', 'forbidden'],
    ['2001:db8::1', 'forbidden'],
    // IPv4-compatible IPv6 (::/96, deprecated) and the rest of IANA's special-purpose registries.
    ['::7f00:1', 'forbidden'],
    ['::127.0.0.1', 'forbidden'],
    ['::a9fe:a9fe', 'forbidden'],
    ['::808:808', 'forbidden'],
    ['100:0:0:1::1', 'forbidden'],
    ['100::1', 'forbidden'],
    ['2001:1::1', 'forbidden'],
    ['2001:2::1', 'forbidden'],
    ['2001:3::1', 'forbidden'],
    ['2001:4:112::1', 'forbidden'],
    ['2001:20::1', 'forbidden'],
    ['2001:30::1', 'forbidden'],
    ['2620:4f:8000::1', 'forbidden'],
    ['3fff::1', 'forbidden'],
    ['5f00::1', 'forbidden'],
    ['fec0::1', 'forbidden'],
    ['64:ff9b:1::1', 'forbidden'],
    ['192.0.0.9', 'forbidden'],
    ['192.31.196.1', 'forbidden'],
    ['192.52.193.1', 'forbidden'],
    ['192.88.99.1', 'forbidden'],
    ['192.175.48.1', 'forbidden'],
    ['198.18.0.1', 'forbidden'],
    ['198.51.100.1', 'forbidden'],
    ['203.0.113.1', 'forbidden'],
    ['240.0.0.1', 'forbidden'],
    ['2002:a9fe:a9fe::1', 'forbidden'],
    ['not an address', 'forbidden'],
  ];
  it.each(cases)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

describe('checkUrlShape', () => {
  it('takes http and https URLs with a host', () => {
    expect(checkUrlShape('https://hooks.example.com/a?b=c').ok).toBe(true);
    expect(checkUrlShape('http://example.com:8080/').ok).toBe(true);
  });
  it.each([
    ['ftp://example.com/', 'http:// or https://'],
    ['file:///etc/passwd', 'http:// or https://'],
    ['javascript:alert(1)', 'http:// or https://'],
    ['example.com/hook', 'full URL'],
    ['https://user:pass@example.com/', 'user name or password'],
    ['https://example.com/' + 'a'.repeat(3000), 'under 2048'],
  ])('refuses %s', (url, message) => {
    const result = checkUrlShape(url);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});

/** DNS answers for the test, so no test depends on the network. */
const dns =
  (answers: Record<string, string[]>): Resolver =>
  async (host) => {
    const list = answers[host];
    if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

describe('checkWebhookUrl', () => {
  const resolve = dns({
    'public.example': ['93.184.216.34'],
    'internal.example': ['10.0.0.7'],
    'metadata.example': ['169.254.169.254'],
    'mixed.example': ['93.184.216.34', '127.0.0.1'],
  });

  it('allows public hosts, refuses private ones unless allowed, and metadata always', async () => {
    expect((await checkWebhookUrl('https://public.example/h', { allowPrivate: false, resolve })).ok).toBe(
      true,
    );
    expect(
      await checkWebhookUrl('https://internal.example/h', { allowPrivate: false, resolve }),
    ).toMatchObject({
      ok: false,
      message: expect.stringContaining('private'),
    });
    expect((await checkWebhookUrl('https://internal.example/h', { allowPrivate: true, resolve })).ok).toBe(
      true,
    );
    for (const allowPrivate of [false, true]) {
      expect(await checkWebhookUrl('http://metadata.example/', { allowPrivate, resolve })).toMatchObject({
        ok: false,
        message: expect.stringContaining('metadata'),
      });
      expect((await checkWebhookUrl('http://169.254.169.254/latest/', { allowPrivate, resolve })).ok).toBe(
        false,
      );
      expect((await checkWebhookUrl('http://[fe80::1]/', { allowPrivate, resolve })).ok).toBe(false);
    }
  });

  it('refuses a host if any of its addresses is refused', async () => {
    expect((await checkWebhookUrl('https://mixed.example/', { allowPrivate: false, resolve })).ok).toBe(
      false,
    );
  });

  it('checks IP literals without DNS, including IPv6 in brackets', async () => {
    const none = dns({});
    expect((await checkWebhookUrl('http://127.0.0.1:9/', { allowPrivate: false, resolve: none })).ok).toBe(
      false,
    );
    expect((await checkWebhookUrl('http://[::1]:9/', { allowPrivate: false, resolve: none })).ok).toBe(false);
    expect((await checkWebhookUrl('http://[::1]:9/', { allowPrivate: true, resolve: none })).ok).toBe(true);
    expect((await checkWebhookUrl('http://8.8.8.8/', { allowPrivate: false, resolve: none })).ok).toBe(true);
  });

  it('reports hosts that do not resolve', async () => {
    expect(await checkWebhookUrl('https://nowhere.example/', { allowPrivate: true, resolve })).toMatchObject({
      ok: false,
      message: expect.stringContaining('could not be resolved'),
    });
  });

  it('resolves real names with the system resolver (localhost is loopback)', async () => {
    expect((await checkWebhookUrl('http://localhost:3000/', { allowPrivate: false })).ok).toBe(false);
    expect((await checkWebhookUrl('http://localhost:3000/', { allowPrivate: true })).ok).toBe(true);
  });
});

describe('guardedLookup (connect time)', () => {
  const resolve = dns({ 'rebind.example': ['169.254.169.254'], 'ok.example': ['93.184.216.34'] });
  const run = (host: string, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      guardedLookup(false, resolve)(host, { all }, (error, address) => done({ error, address })),
    );

  it('hands the socket only addresses that pass', async () => {
    expect(await run('ok.example', false)).toEqual({ error: null, address: '93.184.216.34' });
    expect((await run('ok.example', true)).address).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const refused = await run('rebind.example', true);
    expect(refused.error?.code).toBe('EWEBHOOKADDRESS');
  });
});
