import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KVDouble, ManualClock } from '../../src/testing/index.js';

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`not an Error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

describe('KVDouble: KV limits', () => {
  it.each([59, 30, 1, '59'])('rejects expirationTtl %j with KV’s own 400 text', async (ttl) => {
    const kv = new KVDouble();
    // @ts-expect-error a string TTL is what some callers pass by mistake; KV parses it
    const error = await errorOf(kv.location().put('k', 'v', { expirationTtl: ttl }));
    expect(error.message).toBe(
      `KV PUT failed: 400 Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least 60.`,
    );
    expect(kv.peek('k')).toBeNull();
  });

  it.each([0, -5, Number.NaN])('rejects a non-positive expirationTtl (%j) with KV’s text', async (ttl) => {
    const error = await errorOf(new KVDouble().location().put('k', 'v', { expirationTtl: ttl }));
    expect(error.message).toBe(
      `KV PUT failed: 400 Invalid expiration_ttl of ${ttl}. Please specify integer greater than 0.`,
    );
  });

  it('accepts 60 s and expires the record after it, in every location', async () => {
    const kv = new KVDouble({ locations: ['a', 'b'] });
    await kv.location('a').put('k', 'v', { expirationTtl: 60 });
    kv.advance(59_999);
    expect(await kv.location('b').get('k', 'text')).toBe('v');
    kv.advance(1);
    expect(await kv.location('a').get('k', 'text')).toBeNull();
    expect(await kv.location('b').get('k')).toBeNull();
    expect(kv.records()).toEqual([]);
  });

  it('answers a second write of a key within 1 s with a 429, across locations, deletes included', async () => {
    const kv = new KVDouble({ locations: ['a', 'b'] });
    await kv.location('a').put('k', 'v1');
    const error = await errorOf(kv.location('b').put('k', 'v2'));
    expect(error.message).toBe('KV PUT failed: 429 Too Many Requests');
    kv.advance(999);
    expect((await errorOf(kv.location('a').delete('k'))).message).toBe(
      'KV DELETE failed: 429 Too Many Requests',
    );
    await kv.location('a').put('other', 'x'); // other keys are not limited
    kv.advance(1);
    await kv.location('b').put('k', 'v2');
    expect(kv.peek('k')).toBe('v2');
  });

  it('can turn the write-rate limit off', async () => {
    const kv = new KVDouble({ writeRateLimit: false });
    await kv.location().put('k', 'v1');
    await kv.location().put('k', 'v2');
    expect(kv.peek('k')).toBe('v2');
  });

  it('validates keys like KV', async () => {
    const store = new KVDouble().location();
    expect((await errorOf(store.get('', 'text'))).message).toBe(
      'KV GET failed: 400 Key names must not be empty',
    );
    expect((await errorOf(store.put('..', 'v'))).message).toContain('KV PUT failed: 400 Illegal key name');
    expect((await errorOf(store.delete('k'.repeat(513)))).message).toBe(
      'KV DELETE failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.',
    );
  });

  it('stores text only', async () => {
    const store = new KVDouble().location();
    // @ts-expect-error wrong value type on purpose
    await expect(store.put('k', 42)).rejects.toThrow(TypeError);
    // @ts-expect-error wrong read type on purpose
    await expect(store.get('k', 'json')).rejects.toThrow(TypeError);
  });
});

describe('KVDouble: replication lag', () => {
  const lag = 60_000;
  const make = () => new KVDouble({ locations: ['a', 'b'], replicationLagMs: lag });

  it('a new key is "not found" elsewhere until the lag has passed, and visible at once where written', async () => {
    const kv = make();
    await kv.location('a').put('k', 'v');
    expect(await kv.location('a').get('k', 'text')).toBe('v');
    expect(await kv.location('b').get('k', 'text')).toBeNull();
    kv.advance(lag - 1);
    expect(await kv.location('b').get('k', 'text')).toBeNull();
    kv.advance(1);
    expect(await kv.location('b').get('k', 'text')).toBe('v');
  });

  it('serves stale values and stale deletes elsewhere', async () => {
    const kv = make();
    await kv.location('a').put('k', 'old');
    kv.advance(lag);
    await kv.location('a').put('k', 'new');
    expect(await kv.location('b').get('k', 'text')).toBe('old');
    kv.advance(lag);
    expect(await kv.location('b').get('k', 'text')).toBe('new');
    await kv.location('b').delete('k');
    expect(await kv.location('b').get('k', 'text')).toBeNull();
    expect(await kv.location('a').get('k', 'text')).toBe('new');
    kv.advance(lag);
    expect(await kv.location('a').get('k', 'text')).toBeNull();
  });

  it('lag can change mid-test', async () => {
    const kv = make();
    kv.setReplicationLag(0);
    await kv.location('a').put('k', 'v');
    expect(await kv.location('b').get('k', 'text')).toBe('v');
    expect(() => kv.setReplicationLag(-1)).toThrow(TypeError);
  });

  it('property: a read sees exactly the newest write visible to its location', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            at: fc.constantFrom('a', 'b'),
            value: fc.option(fc.string({ maxLength: 3 }), { nil: null }),
            wait: fc.integer({ min: 1_000, max: 90_000 }),
          }),
          { maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 120_000 }),
        async (writes, readAfter) => {
          const kv = new KVDouble({ locations: ['a', 'b'], replicationLagMs: 30_000 });
          const model: Array<{ at: number; location: string; value: string | null }> = [];
          for (const w of writes) {
            kv.advance(w.wait);
            if (w.value === null) await kv.location(w.at).delete('k');
            else await kv.location(w.at).put('k', w.value);
            model.push({ at: kv.clock.now(), location: w.at, value: w.value });
          }
          kv.advance(readAfter);
          for (const reader of ['a', 'b']) {
            const now = kv.clock.now();
            const visible = model.filter((m) => (m.location === reader ? m.at : m.at + 30_000) <= now);
            const expected = visible.at(-1)?.value ?? null;
            expect(await kv.location(reader).get('k', 'text')).toBe(expected);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('KVDouble: faults, clock, inspection', () => {
  it('failNext throws the next N calls of one op, optionally in one location', async () => {
    const kv = new KVDouble({ locations: ['a', 'b'] });
    kv.failNext('get', { times: 2, location: 'a' });
    expect((await errorOf(kv.location('a').get('k', 'text'))).message).toBe(
      'KV GET failed: 503 Service Unavailable',
    );
    expect(await kv.location('b').get('k', 'text')).toBeNull();
    await expect(kv.location('a').get('k', 'text')).rejects.toThrow('503');
    expect(await kv.location('a').get('k', 'text')).toBeNull();
  });

  it('failAlways throws the given error until heal()', async () => {
    const kv = new KVDouble();
    const boom = new Error('boom');
    kv.failAlways('put', { error: boom });
    for (let i = 0; i < 3; i++) expect(await errorOf(kv.location().put(`k${i}`, 'v'))).toBe(boom);
    kv.heal();
    await kv.location().put('k', 'v');
    expect(kv.peek('k')).toBe('v');
    expect(kv.log.filter((e) => e.error === 'boom')).toHaveLength(3);
  });

  it('rejects bad fault and clock arguments with TypeErrors', () => {
    const kv = new KVDouble();
    expect(() => kv.failNext('get', { times: 0 })).toThrow(TypeError);
    expect(() => kv.failNext('get', { location: 'nowhere' })).toThrow(TypeError);
    // @ts-expect-error unknown op on purpose
    expect(() => kv.failAlways('list')).toThrow(TypeError);
    expect(() => kv.location('nowhere')).toThrow(TypeError);
    expect(() => kv.advance(-1)).toThrow(TypeError);
    expect(() => new KVDouble({ locations: [] })).toThrow(TypeError);
    expect(() => new KVDouble({ locations: ['a', 'a'] })).toThrow(TypeError);
  });

  it('uses an injected ManualClock whose sleep advances time', async () => {
    const clock = new ManualClock(1_000);
    const kv = new KVDouble({ clock });
    await kv.location().put('k', 'v', { expirationTtl: 60 });
    await clock.sleep(60_000);
    expect(clock.now()).toBe(61_000);
    expect(await kv.location().get('k', 'text')).toBeNull();
  });

  it('sleepers wake in deadline order, each at its own time, without real waiting', async () => {
    const clock = new ManualClock(0);
    const woke: Array<[string, number]> = [];
    await Promise.all(
      [
        ['late', 3_000],
        ['early', 1_000],
        ['now', 0],
        ['mid', 2_000],
      ].map(async ([name, ms]) => {
        await clock.sleep(Number(ms));
        woke.push([String(name), clock.now()]);
      }),
    );
    expect(woke).toEqual([
      ['now', 0],
      ['early', 1_000],
      ['mid', 2_000],
      ['late', 3_000],
    ]);
  });

  it('advance wakes the sleepers whose deadline it passes', async () => {
    const clock = new ManualClock(0);
    let woke = false;
    const sleeping = clock.sleep(5_000).then(() => {
      woke = true;
    });
    clock.advance(5_000);
    await sleeping;
    expect(woke).toBe(true);
    expect(clock.now()).toBe(5_000);
  });

  it('logs every operation with its TTL and error, and keeps every value ever written', async () => {
    const kv = new KVDouble();
    const store = kv.location();
    await store.put('k', 'first', { expirationTtl: 120 });
    await errorOf(store.put('k', 'second'));
    kv.advance(1_000);
    await store.delete('k');
    expect(kv.log.map(({ op, expirationTtl, error }) => ({ op, expirationTtl, error }))).toEqual([
      { op: 'put', expirationTtl: 120, error: undefined },
      { op: 'put', expirationTtl: undefined, error: 'KV PUT failed: 429 Too Many Requests' },
      { op: 'delete', expirationTtl: undefined, error: undefined },
    ]);
    expect(kv.everything()).toEqual(['k', 'first']);
    kv.clear();
    expect(kv.everything()).toEqual([]);
    expect(kv.log).toEqual([]);
  });
});
