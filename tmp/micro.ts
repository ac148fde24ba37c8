import { generateKey, parseKey, hashKey, hashesEqual } from '/work/main/lib/keys/format';
import { LRUCache } from 'lru-cache';
const key = generateKey('integration');
const h = hashKey(key);
const lru = new LRUCache<string, any>({ max: 50000, ttl: 300000 });
lru.set(h, { a: 1 });
function bench(name: string, fn: () => unknown, n = 200000) {
  for (let i = 0; i < 20000; i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) fn();
  console.log(name.padEnd(20), ((performance.now() - t) * 1000 / n).toFixed(3), 'µs');
}
bench('parseKey', () => parseKey(key));
bench('hashKey', () => hashKey(key));
bench('hashesEqual', () => hashesEqual(h, h));
bench('lru.get', () => lru.get(h));
bench('new Date', () => new Date());
bench('randomUUID', () => crypto.randomUUID());
