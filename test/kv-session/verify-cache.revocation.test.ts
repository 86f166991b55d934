import { describe, expect, it } from 'vitest';
import { CloudApiError } from '../../src/errors/index.js';
import { type KVStore, RevocationList, VerifyCache } from '../../src/kv-session/index.js';
import { storageKeyFor } from '../../src/kv-session/keys.js';
import {
  DEFAULT_L1_TTL_MS,
  KV_PROPAGATION_WINDOW_MS,
  REVOCATION_WINDOW_MS,
} from '../../src/kv-session/limits.js';
import { TOKEN_REVOKED_CODE } from '../../src/kv-session/verify-answers.js';
import { KVDouble } from '../../src/testing/index.js';
import {
  deferred,
  okLoader,
  rejectionOf,
  setup,
  type TestUser,
  TOKEN,
  USER,
  validateUser,
} from './helpers.js';

function expectRevoked(error: unknown) {
  expect(error).toBeInstanceOf(CloudApiError);
  expect(error).toMatchObject({ status: 401, code: TOKEN_REVOKED_CODE, family: 'rejected' });
}

describe('VerifyCache: revocation in the revoking isolate', () => {
  it('is refused at once, from L1, without calling the loader', async () => {
    const { cache } = setup();
    const load = okLoader();
    await cache.get(TOKEN, load);
    await cache.revoke(TOKEN);
    expectRevoked(await rejectionOf(cache.get(TOKEN, load)));
    expect(load.calls).toBe(1);
    expect(await cache.isRevoked(TOKEN)).toBe(true);
    expect(cache.stats.revokedHits).toBe(1);
  });

  it('is refused although the answer is still fresh in KV', async () => {
    const kv = new KVDouble();
    await setup({}, kv).cache.get(TOKEN, okLoader());
    const { cache } = setup({}, kv);
    kv.advance(1_000);
    await cache.revoke(TOKEN);
    const load = okLoader();
    expectRevoked(await rejectionOf(cache.get(TOKEN, load)));
    expect(load.calls).toBe(0);
  });

  it('wins over a load that was in flight when it happened', async () => {
    const { cache, kv } = setup();
    const gate = deferred<{ value: TestUser }>();
    const get = cache.get(TOKEN, () => gate.promise);
    await expect.poll(() => cache.stats.loads).toBe(1);
    await cache.revoke(TOKEN);
    gate.resolve({ value: USER });
    expectRevoked(await rejectionOf(get));
    expect(kv.records().map((r) => r.key)).toEqual([await storageKeyFor('revoked', TOKEN)]);
  });

  it('wins over a KV read that was in flight when it happened', async () => {
    const kv = new KVDouble();
    await setup({}, kv).cache.get(TOKEN, okLoader());
    const store = kv.location();
    const gate = deferred<void>();
    const reading = deferred<void>();
    const slowReads: KVStore = {
      get: async (key, type) => {
        reading.resolve();
        await gate.promise;
        return store.get(key, type);
      },
      put: (key, value, options) => store.put(key, value, options),
      delete: (key) => store.delete(key),
    };
    const cache = new VerifyCache<TestUser>({ kv: slowReads, clock: kv.clock, validate: validateUser });
    const get = cache.get(TOKEN, okLoader());
    await reading.promise;
    kv.advance(1_000);
    // The mark stays local and the entry stays in KV, so only this isolate's own check can refuse.
    kv.failNext('put');
    kv.failNext('delete');
    expect(await rejectionOf(cache.revoke(TOKEN))).toMatchObject({ name: 'StorageUnavailableError' });
    gate.resolve();
    expectRevoked(await rejectionOf(get));
  });

  it('reaches every cache sharing the revocation list (e.g. verify and permissions)', async () => {
    const kv = new KVDouble();
    const store = kv.location();
    const revocations = new RevocationList({ kv: store, clock: kv.clock });
    const common = { kv: store, clock: kv.clock, revocations };
    const users = new VerifyCache<TestUser>({ ...common, validate: validateUser });
    const perms = new VerifyCache<string[]>({
      ...common,
      record: 'perm',
      validate: (v) => (Array.isArray(v) && v.every((p) => typeof p === 'string') ? v : null),
    });
    await users.get(TOKEN, okLoader());
    await perms.get(TOKEN, async () => ({ value: ['agents:read'] }));
    await users.revoke(TOKEN);
    expectRevoked(await rejectionOf(perms.get(TOKEN, async () => ({ value: ['agents:read'] }))));
  });

  it('a revoked token stays refused until the mark expires, then is asked again', async () => {
    const { cache, kv } = setup();
    await cache.revoke(TOKEN, { until: new Date(kv.clock.now() + 3 * 3_600_000) });
    kv.advance(3 * 3_600_000 - 1);
    expectRevoked(await rejectionOf(cache.get(TOKEN, okLoader())));
    kv.advance(1);
    expect(await cache.get(TOKEN, okLoader())).toEqual(USER);
  });
});

describe('VerifyCache: revocation in other isolates and locations', () => {
  it(`is refused everywhere within REVOCATION_WINDOW_MS (${REVOCATION_WINDOW_MS} ms = propagation + L1 TTL)`, async () => {
    expect(REVOCATION_WINDOW_MS).toBe(KV_PROPAGATION_WINDOW_MS + DEFAULT_L1_TTL_MS);
    const kv = new KVDouble({ locations: ['ams', 'sfo'], replicationLagMs: KV_PROPAGATION_WINDOW_MS });
    // Long-lived answers, so only the revocation mark can end them within the window.
    const options = { clock: kv.clock, validate: validateUser, positiveTtlMs: 600_000 };
    const ams = new VerifyCache<TestUser>({ ...options, kv: kv.location('ams') });
    const sfo = new VerifyCache<TestUser>({ ...options, kv: kv.location('sfo') });
    const sfoLoad = okLoader();
    await ams.get(TOKEN, okLoader());
    kv.advance(2_000);
    await sfo.get(TOKEN, sfoLoad);
    const revokedAt = kv.clock.now();
    await ams.revoke(TOKEN);

    expectRevoked(await rejectionOf(ams.get(TOKEN, okLoader())));
    // The worst case: sfo re-reads KV just before the mark arrives, then serves that from L1.
    kv.advance(KV_PROPAGATION_WINDOW_MS - 1);
    expect(await sfo.get(TOKEN, sfoLoad)).toEqual(USER);
    kv.advance(DEFAULT_L1_TTL_MS - 1); // the last instant that L1 copy is served
    expect(await sfo.get(TOKEN, sfoLoad)).toEqual(USER);
    expect(sfo.stats.l1Hits).toBe(1);
    kv.clock.set(revokedAt + REVOCATION_WINDOW_MS);
    expectRevoked(await rejectionOf(sfo.get(TOKEN, sfoLoad)));
    expect(sfoLoad.calls).toBe(1);
  });

  it('another isolate in the same location refuses once its L1 copy expires', async () => {
    const kv = new KVDouble();
    const a = setup({ positiveTtlMs: 600_000 }, kv);
    const b = setup({ positiveTtlMs: 600_000 }, kv);
    await a.cache.get(TOKEN, okLoader());
    await b.cache.get(TOKEN, okLoader());
    kv.advance(1_000);
    await a.cache.revoke(TOKEN);
    expect(await b.cache.get(TOKEN, okLoader())).toEqual(USER); // L1, within DEFAULT_L1_TTL_MS
    kv.advance(DEFAULT_L1_TTL_MS);
    expectRevoked(await rejectionOf(b.cache.get(TOKEN, okLoader())));
  });

  it('revokeHash works from a stored token hash (a session record’s tokenHash)', async () => {
    const { cache } = setup();
    const { hashToken } = await import('../../src/kv-session/hash.js');
    await cache.get(TOKEN, okLoader());
    await cache.revokeHash(await hashToken(TOKEN));
    expectRevoked(await rejectionOf(cache.get(TOKEN, okLoader())));
    await expect(cache.revokeHash(TOKEN)).rejects.toThrow(TypeError);
  });
});
