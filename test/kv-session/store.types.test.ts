import type { KVNamespace } from '@cloudflare/workers-types/experimental/index.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { asKVStore, type KVStore } from '../../src/kv-session/index.js';
import { KVDouble, type KVDoubleNamespace } from '../../src/testing/index.js';

describe('KVStore', () => {
  it('is satisfied by a Workers KVNamespace (type-level) and the KV double, which asKVStore accepts at run time', () => {
    expectTypeOf<KVNamespace>().toExtend<KVStore>();
    expectTypeOf<KVDoubleNamespace>().toExtend<KVStore>();
    const double = new KVDouble().location();
    expect(asKVStore(double)).not.toBe(double);
    expect(() => asKVStore(double)).not.toThrow();
  });
});
