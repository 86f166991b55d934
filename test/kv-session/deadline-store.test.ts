/** KV deadlines: a stalled KV costs a bounded wait, never a hung request. */
import { describe, expect, it } from 'vitest';
import { type KVStore, MemoryKVStore, VerifyCache, withKvDeadlines } from '../../src/kv-session/index.js';
import { KEY_PREFIXES } from '../../src/kv-session/keys.js';
import { okLoader, rejectionOf, type TestUser, TOKEN, USER, validateUser } from './helpers.js';

const never = <T>() => new Promise<T>(() => {});

/** A store whose operations on keys with `prefix` never settle. */
function stalledOn(prefix: string, base: KVStore = new MemoryKVStore()): KVStore {
  return {
    get: (key, type) => (key.startsWith(prefix) ? never() : base.get(key, type)),
    put: (key, value, options) => (key.startsWith(prefix) ? never() : base.put(key, value, options)),
    delete: (key) => (key.startsWith(prefix) ? never() : base.delete(key)),
  };
}

describe('withKvDeadlines', () => {
  it('fails a read or write past its deadline with StorageUnavailableError', async () => {
    const kv = withKvDeadlines(stalledOn(''), { readMs: 5, writeMs: 5 });
    expect(await rejectionOf(kv.get('k', 'text'))).toMatchObject({
      name: 'StorageUnavailableError',
      family: 'unavailable',
    });
    expect(await rejectionOf(kv.put('k', 'v'))).toMatchObject({ name: 'StorageUnavailableError' });
    expect(await rejectionOf(kv.delete('k'))).toMatchObject({ name: 'StorageUnavailableError' });
  });

  it('passes answers and failures through unchanged', async () => {
    const base = new MemoryKVStore();
    const kv = withKvDeadlines(base);
    await kv.put('k', 'v', { expirationTtl: 60 });
    expect(await kv.get('k', 'text')).toBe('v');
    const failing: KVStore = {
      get: () => Promise.reject(new Error('KV GET failed: 503')),
      put: (key, value) => base.put(key, value),
      delete: (key) => base.delete(key),
    };
    expect(await rejectionOf(withKvDeadlines(failing).get('k', 'text'))).toMatchObject({
      message: 'KV GET failed: 503',
    });
  });

  it('returns one wrapper per store and deadlines (the write guard is per store object)', () => {
    const base = new MemoryKVStore();
    expect(withKvDeadlines(base)).toBe(withKvDeadlines(base, {}));
    expect(withKvDeadlines(base, { readMs: 10 })).not.toBe(withKvDeadlines(base));
  });

  it.each([{ readMs: 0 }, { writeMs: 1.5 }, { readMs: 60_001 }])('refuses %j', (deadlines) => {
    expect(() => withKvDeadlines(new MemoryKVStore(), deadlines)).toThrow(TypeError);
  });
});

describe('VerifyCache over a stalled KV', () => {
  const cacheOver = (kv: KVStore) =>
    new VerifyCache<TestUser>({ kv: withKvDeadlines(kv, { readMs: 5, writeMs: 5 }), validate: validateUser });

  it('treats a stalled cache-entry read as a miss: the loader answers', async () => {
    const load = okLoader();
    expect(await cacheOver(stalledOn(KEY_PREFIXES.verify)).get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
  });

  it('treats a stalled revocation read as an outage, never an admit', async () => {
    const load = okLoader();
    expect(await rejectionOf(cacheOver(stalledOn(KEY_PREFIXES.revoked)).get(TOKEN, load))).toMatchObject({
      status: 503,
    });
    expect(load.calls).toBe(0);
  });

  it('answers although the cache write stalls', async () => {
    const cache = cacheOver(stalledOn(KEY_PREFIXES.verify, new MemoryKVStore()));
    expect(await cache.get(TOKEN, okLoader())).toEqual(USER);
    expect(cache.stats.writes.failed).toBe(1);
  });
});
