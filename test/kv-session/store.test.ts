import { describe, expect, it } from 'vitest';
import { asKVStore } from '../../src/kv-session/index.js';
import { rejectionOf } from './helpers.js';

/** Mimics a Workers binding: methods that need their `this`. */
class FakeBinding {
  readonly #data = new Map<string, string>();
  readonly calls: unknown[][] = [];
  async get(key: string, type?: unknown) {
    this.calls.push(['get', key, type]);
    return this.#data.get(key) ?? null;
  }
  async put(key: string, value: string, options?: unknown) {
    this.calls.push(options === undefined ? ['put', key, value] : ['put', key, value, options]);
    this.#data.set(key, value);
  }
  async delete(key: string) {
    this.calls.push(['delete', key]);
    this.#data.delete(key);
  }
}

describe('asKVStore', () => {
  it('adapts a KV-shaped binding, calling it with its own this and the text type', async () => {
    const binding = new FakeBinding();
    const store = asKVStore(binding);
    await store.put('k', 'v', { expirationTtl: 60 });
    await store.put('k2', 'v');
    expect(await store.get('k', 'text')).toBe('v');
    await store.delete('k');
    expect(await store.get('k', 'text')).toBeNull();
    expect(binding.calls).toEqual([
      ['put', 'k', 'v', { expirationTtl: 60 }],
      ['put', 'k2', 'v'],
      ['get', 'k', 'text'],
      ['delete', 'k'],
      ['get', 'k', 'text'],
    ]);
  });

  it('returns one adapter per binding', () => {
    const binding = new FakeBinding();
    expect(asKVStore(binding)).toBe(asKVStore(binding));
    expect(asKVStore(new FakeBinding())).not.toBe(asKVStore(binding));
  });

  it('treats a non-text value read back as a storage failure', async () => {
    const store = asKVStore({
      get: async () => ({ not: 'text' }),
      put: async () => {},
      delete: async () => {},
    });
    expect(await rejectionOf(store.get('k', 'text'))).toMatchObject({
      name: 'StorageUnavailableError',
      status: 503,
    });
    const undefinedStore = asKVStore({
      get: async () => undefined,
      put: async () => {},
      delete: async () => {},
    });
    expect(await undefinedStore.get('k', 'text')).toBeNull();
  });

  it.each([null, undefined, 'kv', {}, { get() {}, put() {} }, { get: 1, put() {}, delete() {} }])(
    'rejects %j with a TypeError naming kv',
    (binding) => {
      expect(() => asKVStore(binding)).toThrow(TypeError);
      expect(() => asKVStore(binding)).toThrow(/^kv must be/);
    },
  );
});
