import { describe, expect, it } from 'vitest';
import { CloudApiError, InvalidRequestError } from '../../src/errors/index.js';
import { VerifyCache } from '../../src/kv-session/index.js';
import { storageKeyFor } from '../../src/kv-session/keys.js';
import {
  DEFAULT_L1_TTL_MS,
  DEFAULT_NEGATIVE_TTL_MS,
  DEFAULT_POSITIVE_TTL_MS,
  KV_MIN_TTL_SECONDS,
} from '../../src/kv-session/limits.js';
import { KVDouble } from '../../src/testing/index.js';
import {
  deferred,
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

describe('VerifyCache: tiers and loader counts', () => {
  it('N sequential gets call the loader once (L1 serves the rest)', async () => {
    const { cache } = setup();
    const load = okLoader();
    for (let i = 0; i < 25; i++) expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(1);
    expect(cache.stats).toMatchObject({ loads: 1, l1Hits: 24, kvHits: 0 });
  });

  it('after the L1 TTL the answer comes from KV, without a KV write', async () => {
    const { cache, kv } = setup();
    const load = okLoader();
    await cache.get(TOKEN, load);
    kv.advance(DEFAULT_L1_TTL_MS - 1);
    await cache.get(TOKEN, load);
    expect(cache.stats).toMatchObject({ l1Hits: 1, kvHits: 0 });
    kv.advance(1);
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(cache.stats).toMatchObject({ l1Hits: 1, kvHits: 1, loads: 1 });
    expect(kv.log.filter((e) => e.op === 'put')).toHaveLength(1);
  });

  it('another isolate in the same location is served from KV', async () => {
    const kv = new KVDouble();
    const a = setup({}, kv);
    const b = setup({}, kv);
    const loadA = okLoader();
    const loadB = okLoader();
    await a.cache.get(TOKEN, loadA);
    expect(await b.cache.get(TOKEN, loadB)).toEqual(USER);
    expect([loadA.calls, loadB.calls]).toEqual([1, 0]);
    expect(b.cache.stats.kvHits).toBe(1);
  });

  it('a positive answer lasts the policy TTL (60 s by default) when the token lives longer', async () => {
    const { cache, kv } = setup();
    const load = okLoader(USER, new Date(new KVDouble().clock.now() + 3_600_000));
    await cache.get(TOKEN, load);
    kv.advance(DEFAULT_POSITIVE_TTL_MS - 1);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(1);
    kv.advance(1);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(2);
  });

  it('a positive answer never outlives the token: expiry is min(policy, token expiry)', async () => {
    const { cache, kv } = setup();
    const load = okLoader(USER, new Date(kv.clock.now() + 20_000));
    await cache.get(TOKEN, load);
    kv.advance(19_999);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(1);
    expect(cache.stats.kvHits).toBe(1);
    kv.advance(1);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(2);
  });

  it('the positive TTL is configurable', async () => {
    const { cache, kv } = setup({ positiveTtlMs: 2_000 });
    const load = okLoader();
    await cache.get(TOKEN, load);
    kv.advance(1_999);
    await cache.get(TOKEN, load);
    kv.advance(1);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(2);
  });

  it('a lower TTL configured later cuts entries written under the old one short', async () => {
    const kv = new KVDouble();
    await setup({}, kv).cache.get(TOKEN, okLoader());
    kv.advance(6_000);
    const strict = setup({ positiveTtlMs: 5_000 }, kv);
    const load = okLoader();
    await strict.cache.get(TOKEN, load);
    expect(load.calls).toBe(1);
  });

  it('an answer for a token that has already expired is returned but not cached', async () => {
    const { cache, kv } = setup();
    const load = okLoader(USER, new Date(kv.clock.now() - 1));
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(2);
    expect(kv.records()).toEqual([]);
  });

  it('L1 off (l1TtlMs 0) reads KV every time', async () => {
    const { cache } = setup({ l1TtlMs: 0 });
    const load = okLoader();
    for (let i = 0; i < 3; i++) await cache.get(TOKEN, load);
    expect(cache.stats).toMatchObject({ loads: 1, l1Hits: 0, kvHits: 2 });
  });

  it('the L1 bound evicts the least recently used token, which KV then serves', async () => {
    const { cache } = setup({ l1MaxEntries: 2 });
    const load = okLoader();
    for (const token of ['t1', 't2', 't3']) await cache.get(token, load);
    await cache.get('t1', load);
    expect(cache.stats).toMatchObject({ loads: 3, l1Hits: 0, kvHits: 1 });
    await cache.get('t3', load);
    expect(cache.stats.l1Hits).toBe(1);
  });

  it('works without KV (L1 only)', async () => {
    const cache = new VerifyCache<TestUser>();
    const load = okLoader();
    await cache.get(TOKEN, load);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(1);
  });

  it("record: 'perm' keeps entries under perm: keys", async () => {
    const { cache, kv } = setup({ record: 'perm' });
    await cache.get(TOKEN, okLoader());
    expect(kv.records().map((r) => r.key)).toEqual([await storageKeyFor('perm', TOKEN)]);
  });

  it('uses encode for KV and validate on the way back', async () => {
    const kv = new KVDouble();
    const writer = setup({ encode: (u) => ({ ...u, email: u.email.toUpperCase() }) }, kv);
    await writer.cache.get(TOKEN, okLoader());
    const reader = setup({}, kv);
    expect(await reader.cache.get(TOKEN, okLoader())).toEqual({ ...USER, email: USER.email.toUpperCase() });
  });

  it('waitUntil receives the KV write instead of the answer waiting for it', async () => {
    const { cache, kv } = setup();
    const pending: Promise<unknown>[] = [];
    await cache.get(TOKEN, okLoader(), { waitUntil: (p) => pending.push(p) });
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    expect(kv.records()).toHaveLength(1);
  });
});

describe('VerifyCache: the token-keyed L1 (cached, getVerified)', () => {
  it('cached() answers a warm token synchronously, with the hash KV and revocation use', async () => {
    const { cache } = setup();
    const { hashToken } = await import('../../src/kv-session/hash.js');
    expect(cache.cached(TOKEN)).toBeUndefined();
    const loaded = await cache.getVerified(TOKEN, okLoader());
    expect(loaded).toEqual({ value: USER, tokenHash: await hashToken(TOKEN) });
    const hit = cache.cached(TOKEN);
    expect(hit).toEqual(loaded);
    // The same object on every hit: nothing is allocated for a hit.
    expect(cache.cached(TOKEN)).toBe(hit);
    expect(await cache.getVerified(TOKEN, okLoader())).toBe(hit);
    expect(cache.stats).toMatchObject({ loads: 1, l1Hits: 3 });
  });

  it('tokens that differ in one character, in case or by a suffix never share an entry', async () => {
    const { cache } = setup();
    const tokens = [TOKEN, `${TOKEN}x`, TOKEN.slice(0, -1), TOKEN.toUpperCase(), ` ${TOKEN}`];
    for (const [i, token] of tokens.entries()) {
      await cache.get(token, async () => ({ value: { ...USER, id: `user_${i}` } }));
    }
    for (const [i, token] of tokens.entries()) expect(cache.cached(token)?.value.id).toBe(`user_${i}`);
  });

  it('a stale L1 entry is not served by cached(); get() refreshes it from KV', async () => {
    const { cache, kv } = setup();
    await cache.get(TOKEN, okLoader());
    kv.advance(DEFAULT_L1_TTL_MS);
    expect(cache.cached(TOKEN)).toBeUndefined();
    expect(await cache.get(TOKEN, okLoader())).toEqual(USER);
    expect(cache.stats).toMatchObject({ kvHits: 1, loads: 1 });
    expect(cache.cached(TOKEN)?.value).toEqual(USER);
  });

  it('cached() re-raises a cached rejection', async () => {
    const { cache } = setup();
    await rejectionOf(cache.get(TOKEN, failingLoader(rejection)));
    expect(() => cache.cached(TOKEN)).toThrow(CloudApiError);
    expect(cache.stats.negativeHits).toBe(1);
  });

  it('a revocation by hash (the only id a session record or another isolate has) drops the token-keyed entry', async () => {
    const { cache } = setup();
    const { hashToken } = await import('../../src/kv-session/hash.js');
    await cache.get(TOKEN, okLoader());
    await cache.get('other-token', okLoader());
    await cache.revokeHash(await hashToken(TOKEN));
    expect(cache.cached(TOKEN)).toBeUndefined();
    expect(await rejectionOf(cache.get(TOKEN, okLoader()))).toMatchObject({ code: 'token_revoked' });
    expect(cache.cached('other-token')?.value).toEqual(USER);
  });

  it('a mark in the shared revocation list overrides a warm entry of another cache at once', async () => {
    const { cache } = setup();
    const other = new VerifyCache<TestUser>({ revocations: cache.revocations });
    await other.get(TOKEN, okLoader());
    await cache.revoke(TOKEN);
    expect(() => other.cached(TOKEN)).toThrow(expect.objectContaining({ code: 'token_revoked' }));
    expect(other.cached(TOKEN)).toBeUndefined();
  });

  it('the bound holds with revocations and re-inserts in between', async () => {
    const { cache } = setup({ l1MaxEntries: 3 });
    for (let i = 0; i < 20; i++) {
      await cache.get(`t${i}`, okLoader());
      if (i % 5 === 0) await cache.revoke(`t${i}`);
      await cache.get(`t${Math.max(0, i - 1)}`, okLoader()).catch(() => undefined);
    }
    const warm = Array.from({ length: 20 }, (_, i) => `t${i}`).filter((t) => {
      try {
        return cache.cached(t) !== undefined;
      } catch {
        return false;
      }
    });
    expect(warm.length).toBeLessThanOrEqual(3);
    expect(warm).toContain('t19');
  });
});

describe('VerifyCache.prime', () => {
  it('serves a primed answer without a load, here and (through KV) in another isolate', async () => {
    const kv = new KVDouble();
    const a = setup({}, kv);
    const b = setup({}, kv);
    await a.cache.prime(TOKEN, { value: USER, expiresAt: new Date(kv.clock.now() + 3_600_000) });
    const load = okLoader();
    expect(await a.cache.get(TOKEN, load)).toEqual(USER);
    expect(await b.cache.get(TOKEN, load)).toEqual(USER);
    expect(load.calls).toBe(0);
  });

  it('keeps the same expiry rules as a load: min(policy, token expiry)', async () => {
    const { cache, kv } = setup();
    await cache.prime(TOKEN, { value: USER, expiresAt: new Date(kv.clock.now() + 20_000) });
    const load = okLoader();
    kv.advance(20_000);
    await cache.get(TOKEN, load);
    expect(load.calls).toBe(1);
  });

  it('does not cache an answer for a token revoked here', async () => {
    const { cache } = setup();
    await cache.revoke(TOKEN);
    await cache.prime(TOKEN, { value: USER });
    expect(await rejectionOf(cache.get(TOKEN, okLoader()))).toMatchObject({ code: 'token_revoked' });
  });
});

describe('VerifyCache: concurrent misses', () => {
  async function concurrent(coalesce: 'isolate' | 'none', n: number) {
    const s = setup({ coalesce });
    const gate = deferred<{ value: TestUser }>();
    const allIn = deferred<void>();
    let calls = 0;
    const load = () => {
      calls++;
      if (coalesce === 'none' && calls === n) allIn.resolve();
      return gate.promise;
    };
    const gets = Array.from({ length: n }, () => s.cache.get(TOKEN, load));
    if (coalesce === 'isolate') {
      await expect.poll(() => s.cache.stats.coalesced).toBe(n - 1);
    } else {
      await allIn.promise;
    }
    gate.resolve({ value: USER });
    const values = await Promise.all(gets);
    return { ...s, calls, values };
  }

  it("coalesce: 'isolate' shares one load between N concurrent gets", async () => {
    const { calls, values, cache } = await concurrent('isolate', 10);
    expect(calls).toBe(1);
    expect(values).toEqual(Array(10).fill(USER));
    expect(cache.stats).toMatchObject({ loads: 1, coalesced: 9 });
  });

  it("coalesce: 'none' (default) loads once per concurrent get, and KV gets one write", async () => {
    const { calls, values, cache, kv } = await concurrent('none', 10);
    expect(calls).toBe(10);
    expect(values).toEqual(Array(10).fill(USER));
    expect(cache.stats.writes).toEqual({ written: 1, skipped: 9, 'rate-limited': 0, failed: 0 });
    expect(kv.log.filter((e) => e.error)).toEqual([]);
  });

  it('a coalesced rejection reaches every waiter', async () => {
    const { cache } = setup({ coalesce: 'isolate' });
    const gate = deferred<void>();
    const load = async () => {
      await gate.promise;
      throw rejection();
    };
    const gets = [cache.get(TOKEN, load), cache.get(TOKEN, load)];
    await expect.poll(() => cache.stats.coalesced).toBe(1);
    gate.resolve();
    for (const get of gets)
      expect(await rejectionOf(get)).toMatchObject({ status: 401, code: 'invalid_token' });
  });
});

describe('VerifyCache: negative caching and outages', () => {
  it('a definitive rejection is rethrown and cached for negativeTtlMs', async () => {
    const { cache, kv } = setup();
    const load = failingLoader(rejection);
    const first = await rejectionOf(cache.get(TOKEN, load));
    expect(first).toBeInstanceOf(CloudApiError);
    expect(first).toMatchObject({ status: 401, code: 'invalid_token', family: 'rejected' });
    kv.advance(DEFAULT_NEGATIVE_TTL_MS - 1);
    const cached = await rejectionOf(cache.get(TOKEN, load));
    expect(cached).toBeInstanceOf(CloudApiError);
    expect(cached).toMatchObject({ status: 401, code: 'invalid_token', family: 'rejected' });
    expect(load.calls).toBe(1);
    expect(cache.stats.negativeHits).toBe(1);
    kv.advance(1);
    await rejectionOf(cache.get(TOKEN, load));
    expect(load.calls).toBe(2);
  });

  it('negative answers stay in L1 unless negativeInKv is set', async () => {
    const kv = new KVDouble();
    const a = setup({}, kv);
    await rejectionOf(a.cache.get(TOKEN, failingLoader(rejection)));
    expect(kv.records()).toEqual([]);

    const b = setup({ negativeInKv: true }, kv);
    await rejectionOf(b.cache.get('other-token', failingLoader(rejection)));
    const c = setup({ negativeInKv: true }, kv);
    const load = failingLoader(rejection);
    expect(await rejectionOf(c.cache.get('other-token', load))).toMatchObject({
      status: 401,
      code: 'invalid_token',
    });
    expect(load.calls).toBe(0);
  });

  it('negativeTtlMs 0 turns negative caching off, in L1 and for KV entries', async () => {
    const kv = new KVDouble();
    await rejectionOf(setup({ negativeInKv: true }, kv).cache.get(TOKEN, failingLoader(rejection)));
    const { cache } = setup({ negativeTtlMs: 0 }, kv);
    const load = failingLoader(rejection);
    await rejectionOf(cache.get(TOKEN, load));
    await rejectionOf(cache.get(TOKEN, load));
    expect(load.calls).toBe(2);
  });

  it('other rejections keep their status and code', async () => {
    const { cache } = setup();
    const load = failingLoader(() => new InvalidRequestError('invalid_authorization', 'bad header'));
    await rejectionOf(cache.get(TOKEN, load));
    expect(await rejectionOf(cache.get(TOKEN, load))).toMatchObject({
      status: 400,
      code: 'cloud_rejected',
      cloudCode: 'invalid_authorization',
      family: 'rejected',
    });
    expect(load.calls).toBe(1);
  });

  it.each([
    ['503', () => new CloudApiError('down', { status: 503 })],
    ['429', () => new CloudApiError('slow down', { status: 429 })],
    ['timeout', () => new CloudApiError('timeout', { status: 0, code: 'timeout' })],
    ['network', () => new CloudApiError('network', { status: 0, code: 'network_error' })],
    ['a plain Error', () => new Error('bug')],
  ])('an outage (%s) is rethrown as is and never cached', async (_name, error) => {
    const { cache, kv } = setup({ negativeInKv: true });
    const load = failingLoader(error);
    const first = await rejectionOf(cache.get(TOKEN, load));
    const second = await rejectionOf(cache.get(TOKEN, load));
    expect(first).not.toBe(second);
    expect(second).toMatchObject({ message: (first as Error).message });
    expect(load.calls).toBe(2);
    expect(kv.records()).toEqual([]);
    expect(await cache.get(TOKEN, okLoader())).toEqual(USER);
  });
});

describe('VerifyCache: grace (off by default)', () => {
  async function warm(graceMs: number, expiresAt?: Date) {
    const s = setup({ graceMs });
    await s.cache.get(TOKEN, okLoader(USER, expiresAt));
    s.kv.advance(DEFAULT_POSITIVE_TTL_MS);
    return s;
  }

  it('without grace an outage after expiry is an outage', async () => {
    const { cache } = await warm(0);
    expect(await rejectionOf(cache.get(TOKEN, failingLoader(outage)))).toMatchObject({
      status: 503,
      family: 'unavailable',
    });
  });

  it('serves a recent good answer while the loader is unavailable, within graceMs', async () => {
    const { cache, kv } = await warm(30_000);
    const load = failingLoader(outage);
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    kv.advance(29_999);
    expect(await cache.get(TOKEN, load)).toEqual(USER);
    expect(cache.stats.graceHits).toBe(2);
    kv.advance(1);
    expect(await rejectionOf(cache.get(TOKEN, load))).toMatchObject({ status: 503 });
  });

  it('grace also comes from KV (another isolate’s answer)', async () => {
    const kv = new KVDouble();
    await setup({ graceMs: 30_000 }, kv).cache.get(TOKEN, okLoader());
    kv.advance(DEFAULT_POSITIVE_TTL_MS + 1_000);
    const other = setup({ graceMs: 30_000 }, kv);
    expect(await other.cache.get(TOKEN, failingLoader(outage))).toEqual(USER);
  });

  it('never serves past the token’s own expiry, a rejection, or a revoked token', async () => {
    const expiring = await warm(30_000, new Date(new KVDouble().clock.now() + 10_000));
    expect(await rejectionOf(expiring.cache.get(TOKEN, failingLoader(outage)))).toMatchObject({
      status: 503,
    });

    const rejected = await warm(30_000);
    expect(await rejectionOf(rejected.cache.get(TOKEN, failingLoader(rejection)))).toMatchObject({
      status: 401,
    });

    const revoked = await warm(30_000);
    await revoked.cache.revoke(TOKEN);
    expect(await rejectionOf(revoked.cache.get(TOKEN, failingLoader(outage)))).toMatchObject({
      code: 'token_revoked',
    });
  });
});

describe('VerifyCache: arguments', () => {
  it.each([
    [{ l1MaxEntries: 0 }, 'l1MaxEntries'],
    [{ l1TtlMs: -1 }, 'l1TtlMs'],
    [{ l1TtlMs: 120_000 }, 'l1TtlMs'],
    [{ positiveTtlMs: 0 }, 'positiveTtlMs'],
    [{ positiveTtlMs: 1.5 }, 'positiveTtlMs'],
    [{ negativeTtlMs: -1 }, 'negativeTtlMs'],
    [{ graceMs: Number.NaN }, 'graceMs'],
    [{ coalesce: 'request' }, 'coalesce'],
    [{ record: 'session' }, 'record'],
    [{ negativeInKv: 'yes' }, 'negativeInKv'],
    [{ clock: {} }, 'clock'],
    [{ onError: 'log' }, 'onError'],
    [{ kv: new KVDouble().location() }, 'validate'],
    [{ kv: { get: () => null } }, 'kv'],
  ])('rejects %j with a TypeError naming %s', (options, name) => {
    // @ts-expect-error invalid options on purpose
    expect(() => new VerifyCache<TestUser>(options)).toThrow(new RegExp(name));
    // @ts-expect-error invalid options on purpose
    expect(() => new VerifyCache<TestUser>(options)).toThrow(TypeError);
  });

  it('rejects a bad token, loader or loader result', async () => {
    const cache = new VerifyCache<TestUser>({ kv: new KVDouble().location(), validate: validateUser });
    await expect(cache.get('', okLoader())).rejects.toThrow(TypeError);
    // @ts-expect-error missing loader on purpose
    await expect(cache.get(TOKEN)).rejects.toThrow(/load/);
    // @ts-expect-error bad loader result on purpose
    await expect(cache.get(TOKEN, async () => USER)).rejects.toThrow(/load must resolve/);
    // @ts-expect-error bad expiresAt on purpose
    await expect(cache.get(TOKEN, async () => ({ value: USER, expiresAt: 123 }))).rejects.toThrow(
      /expiresAt/,
    );
  });

  it('clamps the KV TTL of short-lived answers to the floor plus a margin', async () => {
    const { cache, kv } = setup({ positiveTtlMs: 1_000 });
    await cache.get(TOKEN, okLoader());
    const [put] = kv.log.filter((e) => e.op === 'put');
    expect(put?.expirationTtl).toBeGreaterThan(KV_MIN_TTL_SECONDS);
    expect(put?.error).toBeUndefined();
  });
});
