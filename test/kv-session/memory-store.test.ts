import { describe, expect, it } from 'vitest';
import { MemoryKVStore, VerifyCache } from '../../src/kv-session/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { okLoader, type TestUser, TOKEN, USER, validateUser } from './helpers.js';

describe('MemoryKVStore', () => {
  it('reads its writes, expires by expirationTtl, deletes', async () => {
    const clock = new ManualClock();
    const store = new MemoryKVStore({ clock });
    await store.put('k', 'v', { expirationTtl: 2 });
    await store.put('forever', 'v');
    expect(await store.get('k', 'text')).toBe('v');
    clock.advance(1_999);
    expect(await store.get('k', 'text')).toBe('v');
    clock.advance(1);
    expect(await store.get('k', 'text')).toBeNull();
    await store.delete('forever');
    expect(await store.get('forever', 'text')).toBeNull();
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const store = new MemoryKVStore({ maxEntries: 2 });
    await store.put('a', '1');
    await store.put('b', '2');
    await store.get('a', 'text');
    await store.put('c', '3');
    expect(store.size).toBe(2);
    expect(await store.get('b', 'text')).toBeNull();
    expect(await store.get('a', 'text')).toBe('1');
  });

  it('checks its arguments', async () => {
    expect(() => new MemoryKVStore({ maxEntries: 0 })).toThrow(/maxEntries/);
    const store = new MemoryKVStore();
    await expect(store.put('k', 'v', { expirationTtl: 0 })).rejects.toThrow(/expirationTtl/);
    // @ts-expect-error wrong value type on purpose
    await expect(store.put('k', 1)).rejects.toThrow(TypeError);
  });

  it('backs a VerifyCache in Node (isolate coalescing is safe there)', async () => {
    const clock = new ManualClock();
    const kv = new MemoryKVStore({ clock });
    const a = new VerifyCache<TestUser>({ kv, clock, validate: validateUser, coalesce: 'isolate' });
    const b = new VerifyCache<TestUser>({ kv, clock, validate: validateUser });
    const load = okLoader();
    await a.get(TOKEN, load);
    expect(await b.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
  });
});
