import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardedDelete, guardedPut } from '../../src/kv-session/guarded-put.js';
import { cleanupTtlSeconds, KV_MIN_TTL_SECONDS, KV_TTL_MARGIN_SECONDS } from '../../src/kv-session/limits.js';
import { KVDouble } from '../../src/testing/index.js';

function guard(kv: KVDouble, mode: 'skip' | 'wait', errors: string[] = []) {
  return {
    record: 'verify' as const,
    clock: kv.clock,
    mode,
    onError: (_report: unknown, e: unknown) => errors.push(String(e)),
  };
}

describe('cleanupTtlSeconds', () => {
  it('is never under the floor plus the margin, and always past the logical expiry', () => {
    const floor = KV_MIN_TTL_SECONDS + KV_TTL_MARGIN_SECONDS;
    expect(cleanupTtlSeconds(-5_000)).toBe(floor);
    expect(cleanupTtlSeconds(0)).toBe(floor);
    expect(cleanupTtlSeconds(1_000)).toBe(floor);
    expect(cleanupTtlSeconds(Number.NaN)).toBe(floor);
    expect(cleanupTtlSeconds(120_500)).toBe(121 + KV_TTL_MARGIN_SECONDS);
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e12 }), (ms) => {
        const ttl = cleanupTtlSeconds(ms);
        expect(Number.isInteger(ttl)).toBe(true);
        expect(ttl).toBeGreaterThanOrEqual(floor);
        expect(ttl * 1000).toBeGreaterThan(ms);
      }),
    );
  });
});

describe('guardedPut / guardedDelete', () => {
  it('skip mode drops a second write of a key within 1 s from this isolate', async () => {
    const kv = new KVDouble();
    const store = kv.location();
    expect(await guardedPut(store, 'k', 'v1', 1_000, guard(kv, 'skip'))).toBe('written');
    kv.advance(999);
    expect(await guardedPut(store, 'k', 'v2', 1_000, guard(kv, 'skip'))).toBe('skipped');
    expect(await guardedDelete(store, 'k', guard(kv, 'skip'))).toBe('skipped');
    expect(await guardedPut(store, 'other', 'v', 1_000, guard(kv, 'skip'))).toBe('written');
    kv.advance(1);
    expect(await guardedPut(store, 'k', 'v3', 1_000, guard(kv, 'skip'))).toBe('written');
    expect(kv.peek('k')).toBe('v3');
    expect(kv.log.filter((e) => e.error)).toEqual([]);
  });

  it('wait mode spaces writes one second apart (on the injected clock)', async () => {
    const kv = new KVDouble();
    const store = kv.location();
    const start = kv.clock.now();
    const outcomes = await Promise.all(
      [1, 2, 3].map((n) => guardedPut(store, 'k', `v${n}`, 0, guard(kv, 'wait'))),
    );
    expect(outcomes).toEqual(['written', 'written', 'written']);
    expect(kv.log.map((e) => e.at - start)).toEqual([0, 1_000, 2_000]);
    expect(kv.log.filter((e) => e.error)).toEqual([]);
  });

  it('a 429 from another isolate is rate-limited in skip mode, retried once in wait mode', async () => {
    const kv = new KVDouble();
    await kv.location().put('k', 'theirs');
    const errors: string[] = [];
    expect(await guardedPut(kv.location(), 'k', 'mine', 0, guard(kv, 'skip', errors))).toBe('rate-limited');
    expect(errors).toEqual(['Error: KV PUT failed: 429 Too Many Requests']);
    expect(await guardedPut(kv.location(), 'k', 'mine', 0, guard(kv, 'wait'))).toBe('written');
    expect(kv.peek('k')).toBe('mine');
  });

  it('failures are outcomes, reported, never thrown', async () => {
    const kv = new KVDouble();
    const errors: string[] = [];
    kv.failNext('put');
    kv.failNext('delete');
    expect(await guardedPut(kv.location(), 'k', 'v', 0, guard(kv, 'skip', errors))).toBe('failed');
    kv.advance(1_000);
    expect(await guardedDelete(kv.location(), 'k', guard(kv, 'skip', errors))).toBe('failed');
    expect(await guardedPut(kv.location(), 'big', 'x'.repeat(70_000), 0, guard(kv, 'skip', errors))).toBe(
      'failed',
    );
    expect(errors).toHaveLength(3);
    expect(kv.log.filter((e) => e.key === 'big')).toEqual([]);
  });

  it('property: any schedule of writes through the guard keeps KV’s TTL floor and write rate', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'b', 'c'),
            remainingMs: fc.integer({ min: -10_000, max: 200_000 }),
            wait: fc.integer({ min: 0, max: 1_500 }),
            del: fc.boolean(),
          }),
          { maxLength: 40 },
        ),
        async (writes) => {
          const kv = new KVDouble();
          const store = kv.location();
          for (const w of writes) {
            kv.advance(w.wait);
            if (w.del) await guardedDelete(store, w.key, guard(kv, 'skip'));
            else await guardedPut(store, w.key, 'v', w.remainingMs, guard(kv, 'skip'));
          }
          expect(kv.log.filter((e) => e.error)).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
