import { describe, expect, it } from 'vitest';
import { type KVStore, VerifyCache, type VerifyCacheOptions } from '../../src/kv-session/index.js';
import { KEY_PREFIXES, storageKeyFor } from '../../src/kv-session/keys.js';
import { KVDouble } from '../../src/testing/index.js';
import {
  failingLoader,
  okLoader,
  outage,
  rejection,
  rejectionOf,
  setup,
  type TestUser,
  TOKEN,
  USER,
  validateUser,
} from './helpers.js';

/** A store over the double whose reads of keys with `prefix` throw (KV down for those records). */
function blindTo(kv: KVDouble, prefix: string): KVStore {
  const store = kv.location();
  return {
    get: (key, type) =>
      key.startsWith(prefix) ? Promise.reject(new Error('KV GET failed: 503')) : store.get(key, type),
    put: (key, value, options) => store.put(key, value, options),
    delete: (key) => store.delete(key),
  };
}

function cacheOver(kv: KVDouble, store: KVStore, options: Partial<VerifyCacheOptions<TestUser>> = {}) {
  const errors: string[] = [];
  const cache = new VerifyCache<TestUser>({
    kv: store,
    clock: kv.clock,
    validate: validateUser,
    onError: ({ operation, record }) => errors.push(`${operation}:${record}`),
    ...options,
  });
  return { cache, errors };
}

describe('VerifyCache: KV failures degrade to the loader and never admit', () => {
  it('a cache entry that cannot be read is a miss: the loader answers, the failure is reported', async () => {
    const kv = new KVDouble();
    await setup({}, kv).cache.get(TOKEN, okLoader());
    const { cache, errors } = cacheOver(kv, blindTo(kv, KEY_PREFIXES.verify), { l1TtlMs: 0 });
    const load = okLoader();
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
    expect(errors).toContain('get:verify');
    expect(cache.stats.kvReadErrors).toBe(1);
  });

  it('an unreadable cache entry with a rejecting or failing loader rejects (never admits)', async () => {
    const kv = new KVDouble();
    await setup({}, kv).cache.get(TOKEN, okLoader());
    const { cache } = cacheOver(kv, blindTo(kv, KEY_PREFIXES.verify));
    expect(await rejectionOf(cache.get(TOKEN, failingLoader(rejection)))).toMatchObject({ status: 401 });
    expect(await rejectionOf(cache.get('other', failingLoader(outage)))).toMatchObject({ status: 503 });
  });

  it('KV put throwing does not fail the request', async () => {
    const { cache, kv, errors } = setup();
    kv.failAlways('put');
    expect(await cache.get(TOKEN, okLoader())).toEqual(USER);
    expect(cache.stats.writes.failed).toBe(1);
    expect(errors).toMatchObject([{ op: 'put', record: 'verify' }]);
  });

  it('KV delete throwing does not stop a revocation', async () => {
    const { cache, kv } = setup();
    kv.failAlways('delete');
    await cache.get(TOKEN, okLoader());
    kv.advance(1_000);
    await cache.revoke(TOKEN);
    expect(await rejectionOf(cache.get(TOKEN, okLoader()))).toMatchObject({ code: 'token_revoked' });
  });

  it('a revocation mark that cannot be stored is reported as unavailable, yet refused here', async () => {
    const { cache, kv } = setup();
    kv.failAlways('put');
    expect(await rejectionOf(cache.revoke(TOKEN))).toMatchObject({
      name: 'StorageUnavailableError',
      family: 'unavailable',
      status: 503,
    });
    expect(await rejectionOf(cache.get(TOKEN, okLoader()))).toMatchObject({ code: 'token_revoked' });
  });

  it('when the revocation mark cannot be read it is an outage: no cached answer, no grace, no load', async () => {
    const kv = new KVDouble();
    await setup({ graceMs: 60_000 }, kv).cache.get(TOKEN, okLoader());
    const { cache, errors } = cacheOver(kv, blindTo(kv, KEY_PREFIXES.revoked), { graceMs: 60_000 });
    const load = okLoader();
    expect(await rejectionOf(cache.get(TOKEN, load))).toMatchObject({
      name: 'StorageUnavailableError',
      family: 'unavailable',
      status: 503,
    });
    expect(load.calls).toBe(0);
    expect(errors).toContain('get:revoked');
    kv.advance(120_000);
    expect(await rejectionOf(cache.get(TOKEN, okLoader()))).toMatchObject({ status: 503 });
  });

  it('when KV is down altogether an L1 miss is an outage (the revocation state is unknown)', async () => {
    const { cache, kv } = setup({ l1TtlMs: 0 });
    kv.failAlways('get');
    expect(await rejectionOf(cache.get(TOKEN, okLoader()))).toMatchObject({ status: 503 });
  });
});

describe('VerifyCache: corrupt KV entries are misses', () => {
  const valid = (value: unknown) => JSON.stringify({ v: 1, kind: 'ok', value, storedAt: 0, expiresAt: 8e15 });
  it.each([
    ['not JSON', 'not json{'],
    ['JSON null', 'null'],
    ['an array', '[1,2]'],
    [
      'another layout version',
      JSON.stringify({ v: 2, kind: 'ok', value: USER, storedAt: 0, expiresAt: 8e15 }),
    ],
    ['no value', JSON.stringify({ v: 1, kind: 'ok', storedAt: 0, expiresAt: 8e15 })],
    [
      'a string expiry',
      JSON.stringify({ v: 1, kind: 'ok', value: USER, storedAt: 0, expiresAt: '2099-01-01' }),
    ],
    ['a value that fails validate', valid({ id: 7 })],
    ['an unknown kind', JSON.stringify({ v: 1, kind: 'maybe', storedAt: 0, expiresAt: 8e15 })],
    [
      'a negative entry with a 503',
      JSON.stringify({ v: 1, kind: 'rejected', status: 503, storedAt: 0, expiresAt: 8e15 }),
    ],
    ['a huge value', valid('x'.repeat(70_000))],
  ])('%s', async (_name, raw) => {
    const { cache, kv, errors } = setup({ negativeInKv: true });
    kv.clock.set(1_000);
    await kv.location().put(await storageKeyFor('verify', TOKEN), raw, { expirationTtl: 3600 });
    kv.advance(1_000);
    const load = okLoader();
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
    expect(errors.map((e) => e.op)).toContain('decode');
    expect(cache.stats.kvHits).toBe(0);
  });

  it('a validate function that throws is a miss too', async () => {
    const kv = new KVDouble();
    await setup({}, kv).cache.get(TOKEN, okLoader());
    const { cache } = setup(
      {
        validate: () => {
          throw new Error('bad');
        },
      },
      kv,
    );
    const load = okLoader();
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
  });

  it('an onError that throws changes nothing', async () => {
    const kv = new KVDouble();
    const store = blindTo(kv, KEY_PREFIXES.verify);
    const cache = new VerifyCache<TestUser>({
      kv: { ...store, put: () => Promise.reject(new Error('KV PUT failed: 503')) },
      clock: kv.clock,
      validate: validateUser,
      onError: () => {
        throw new Error('reporter down');
      },
    });
    expect(await cache.get(TOKEN, okLoader())).toEqual(USER);
  });
});

describe('VerifyCache: what reaches KV', () => {
  async function scenario() {
    const kv = new KVDouble({ locations: ['a', 'b'], replicationLagMs: 60_000 });
    const a = setup({ negativeInKv: true, positiveTtlMs: 1_000 }, kv);
    const b = setup({ negativeInKv: true }, kv, 'b');
    for (let i = 0; i < 5; i++) {
      await a.cache.get(TOKEN, okLoader(USER, new Date(kv.clock.now() + 1_500)));
      await b.cache.get(TOKEN, okLoader());
      await rejectionOf(a.cache.get(`bad-${TOKEN}`, failingLoader(rejection)));
      kv.advance(400);
    }
    await a.cache.revoke(TOKEN);
    await b.cache.revoke(TOKEN);
    return kv;
  }

  it('every write respects the 60 s TTL floor (the double rejects less)', async () => {
    const kv = await scenario();
    const puts = kv.log.filter((e) => e.op === 'put');
    expect(puts.length).toBeGreaterThan(3);
    for (const put of puts) {
      expect(put.expirationTtl).toBeGreaterThanOrEqual(60);
      expect(put.error ?? '').not.toContain('400');
    }
  });

  it('one isolate never writes a key twice within 1 s; collisions between isolates are absorbed', async () => {
    const kv = await scenario();
    const writes = kv.log.filter((e) => e.op !== 'get');
    for (const location of kv.locations) {
      const mine = writes.filter((w) => w.location === location);
      for (const [i, w] of mine.entries()) {
        const previous = mine
          .slice(0, i)
          .filter((p) => p.key === w.key)
          .at(-1);
        if (previous) expect(w.at - previous.at).toBeGreaterThanOrEqual(1_000);
      }
    }
    // Two isolates may still collide (KV answers 429); that is reported, never thrown.
    for (const w of writes.filter((e) => e.error)) expect(w.error).toMatch(/ 429 Too Many Requests$/);
  });

  it('no raw token appears in any key or value, and every key is <prefix><hash>', async () => {
    const kv = await scenario();
    const all = kv.everything();
    expect(all.length).toBeGreaterThan(0);
    for (const text of all) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(TOKEN.slice(0, 20));
    }
    for (const { key } of kv.log) expect(key).toMatch(/^(verify|perm|revoked|session):[A-Za-z0-9_-]{43}$/);
  });
});
