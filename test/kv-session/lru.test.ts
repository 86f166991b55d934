import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LruMap } from '../../src/kv-session/lru.js';

type Op = { kind: 'set'; key: number } | { kind: 'get'; key: number } | { kind: 'delete'; key: number };

const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ kind: fc.constant('get' as const), key: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }),
  ),
  { maxLength: 200 },
);

describe('LruMap', () => {
  it('property: no sequence of operations exceeds maxEntries, and it matches an LRU model', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), ops, (max, sequence: Op[]) => {
        const lru = new LruMap<number, string>(max);
        let model: number[] = []; // least recently used first
        for (const op of sequence) {
          if (op.kind === 'set') {
            lru.set(op.key, `v${op.key}`);
            model = [...model.filter((k) => k !== op.key), op.key].slice(-max);
          } else if (op.kind === 'get') {
            const hit = lru.get(op.key);
            expect(hit).toBe(model.includes(op.key) ? `v${op.key}` : undefined);
            if (hit !== undefined) model = [...model.filter((k) => k !== op.key), op.key];
          } else {
            expect(lru.delete(op.key)).toBe(model.includes(op.key));
            model = model.filter((k) => k !== op.key);
          }
          expect(lru.size).toBeLessThanOrEqual(max);
          expect(lru.keys()).toEqual(model);
        }
      }),
    );
  });

  it('peek does not refresh recency', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.peek('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.keys()).toEqual(['b', 'c']);
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxEntries %j', (max) => {
    expect(() => new LruMap(max)).toThrow(/maxEntries/);
  });
});
