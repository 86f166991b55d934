import type { KVNamespace } from '@cloudflare/workers-types/experimental/index.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { asKVStore, type KVStore } from '../../src/kv-session/index.js';
import { KVDouble, type KVDoubleNamespace } from '../../src/testing/index.js';

describe('KVStore', () => {
  it('is satisfied structurally by a Workers KVNamespace (type-level)', () => {
    expectTypeOf<KVNamespace>().toExtend<KVStore>();
  });

  it('is implemented by the KV double, which asKVStore accepts at run time too', () => {
    expectTypeOf<KVDoubleNamespace>().toExtend<KVStore>();
    const double = new KVDouble().location();
    expect(asKVStore(double)).not.toBe(double);
    expect(() => asKVStore(double)).not.toThrow();
  });
});
