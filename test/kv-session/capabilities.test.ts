import { describe, expect, it } from 'vitest';
import { hashToken } from '../../src/kv-session/hash.js';
import {
  asKVStore,
  capabilitiesOf,
  type KVPutOptions,
  type KVStore,
  MEMORY_CAPABILITIES,
  MemoryKVStore,
  type RevocationFeed,
  RevocationList,
  type StoreCapabilities,
  VerifyCache,
  WORKERS_KV_CAPABILITIES,
} from '../../src/kv-session/index.js';
import { ManualClock } from '../../src/testing/index.js';
import { USER, validateUser } from './helpers.js';

/** A store that records every put, with the capabilities it is given. */
function recording(capabilities?: StoreCapabilities) {
  const data = new Map<string, string>();
  const puts: Array<{ key: string; ttl: number | undefined }> = [];
  const store: KVStore = {
    ...(capabilities && { capabilities }),
    async get(key) {
      return data.get(key) ?? null;
    },
    async put(key, value, options?: KVPutOptions) {
      puts.push({ key, ttl: options?.expirationTtl });
      data.set(key, value);
    },
    async delete(key) {
      data.delete(key);
    },
  };
  return { store, puts };
}

describe('store capabilities', () => {
  it('a store that declares none is taken to be Workers KV (the weakest)', () => {
    expect(capabilitiesOf({})).toBe(WORKERS_KV_CAPABILITIES);
    expect(capabilitiesOf({ capabilities: { engine: 'x' } })).toBe(WORKERS_KV_CAPABILITIES);
    expect(capabilitiesOf(new MemoryKVStore())).toBe(MEMORY_CAPABILITIES);
  });

  it('asKVStore keeps a store’s capabilities and its putIfAbsent', async () => {
    const adapted = asKVStore(new MemoryKVStore());
    expect(adapted.capabilities).toBe(MEMORY_CAPABILITIES);
    expect(await adapted.putIfAbsent?.('k', 'v')).toBe(true);
    expect(await adapted.putIfAbsent?.('k', 'w')).toBe(false);
    expect(asKVStore({ get() {}, put() {}, delete() {} }).capabilities).toBe(WORKERS_KV_CAPABILITIES);
  });

  it('clean-up TTLs and write spacing follow the store: KV floor and 1 write/s, none for a strong store', async () => {
    const clock = new ManualClock();
    const kv = recording();
    const strong = recording(MEMORY_CAPABILITIES);
    const revocations = (store: KVStore) => new RevocationList({ kv: store, clock });
    const hash = await hashToken('t');
    const start = clock.now();
    await revocations(kv.store).revokeHash(hash);
    await revocations(kv.store).revokeHash(hash);
    expect(clock.now() - start).toBe(1_000); // the second write waited out KV's second (virtual time)
    await revocations(strong.store).revokeHash(hash);
    await revocations(strong.store).revokeHash(hash);
    expect(clock.now() - start).toBe(1_000); // no spacing for a store without a write limit
    expect(kv.puts.map((p) => p.ttl)).toEqual([86_410, 86_410]);
    expect(strong.puts.map((p) => p.ttl)).toEqual([86_401, 86_401]);
    const cache = new VerifyCache({ kv: strong.store, validate: validateUser, clock, negativeTtlMs: 0 });
    await cache.get('short-lived', async () => ({ value: USER, expiresAt: new Date(clock.now() + 2_000) }));
    expect(strong.puts.at(-1)?.ttl).toBe(3); // 2 s life + 1 s margin, no 60 s floor
  });
});

describe('a polled revocation feed', () => {
  function feedWith(answers: Array<() => ReturnType<NonNullable<RevocationFeed['poll']>>>) {
    let calls = 0;
    const feed: RevocationFeed = {
      poll: async () => {
        const next = answers[Math.min(calls, answers.length - 1)];
        calls++;
        if (!next) throw new Error('no answer');
        return next();
      },
    };
    return { feed, calls: () => calls };
  }

  it('refuses a token revoked elsewhere on the next call, though its answer is in L1', async () => {
    const clock = new ManualClock();
    const hash = await hashToken('elsewhere');
    const { feed } = feedWith([
      async () => ({ cursor: 1, events: [] }),
      async () => ({ cursor: 1, events: [] }),
      async () => ({ cursor: 2, events: [{ kind: 'revoked', tokenHash: hash }] }),
    ]);
    const revocations = new RevocationList({ kv: new MemoryKVStore({ clock }), feed, clock });
    const cache = new VerifyCache({ validate: validateUser, clock, revocations });
    const load = async () => ({ value: USER });
    await cache.get('elsewhere', load);
    await cache.get('elsewhere', load);
    expect(cache.stats.l1Hits).toBe(1);
    await expect(cache.get('elsewhere', load)).rejects.toMatchObject({ code: 'token_revoked' });
  });

  it('the synchronous L1 read answers nothing while the feed is due (the next get polls it first)', async () => {
    const clock = new ManualClock();
    const hash = await hashToken('due');
    const { feed } = feedWith([
      async () => ({ cursor: 1, events: [] }),
      async () => ({ cursor: 2, events: [{ kind: 'revoked', tokenHash: hash }] }),
    ]);
    const revocations = new RevocationList({ feed, clock, feedPollMs: 1_000 });
    const cache = new VerifyCache({ validate: validateUser, clock, revocations });
    await cache.get('due', async () => ({ value: USER }));
    expect(cache.cached('due')?.value).toEqual(USER);
    clock.advance(1_000);
    expect(cache.cached('due')).toBeUndefined();
    await expect(cache.get('due', async () => ({ value: USER }))).rejects.toMatchObject({
      code: 'token_revoked',
    });
  });

  it('a reset drops every L1 entry; a poll interval skips polls within it', async () => {
    const clock = new ManualClock();
    const { feed, calls } = feedWith([
      async () => ({ cursor: 1, events: [] }),
      async () => ({ cursor: 9, events: [{ kind: 'reset' }] }),
    ]);
    const revocations = new RevocationList({ feed, clock, feedPollMs: 1_000 });
    const cache = new VerifyCache({ validate: validateUser, clock, revocations });
    let loads = 0;
    const load = async () => {
      loads++;
      return { value: USER };
    };
    await cache.get('a', load);
    await cache.get('a', load);
    expect([calls(), loads]).toEqual([1, 1]);
    clock.advance(1_000);
    await cache.get('a', load);
    expect([calls(), loads]).toEqual([2, 2]);
  });

  it('a cache with pollFeed false (the permission cache) shares the marks but does not poll', async () => {
    const clock = new ManualClock();
    const { feed, calls } = feedWith([async () => ({ cursor: 1, events: [] })]);
    const revocations = new RevocationList({ feed, clock });
    const users = new VerifyCache({ validate: validateUser, clock, revocations });
    const perms = new VerifyCache({ validate: validateUser, clock, revocations, pollFeed: false });
    const load = async () => ({ value: USER });
    await users.get('d', load);
    await perms.get('d', load);
    await perms.get('d', load);
    expect(calls()).toBe(1);
  });

  it('a feed that cannot answer is an outage: nothing cached is served, the loader is not asked', async () => {
    const clock = new ManualClock();
    const { feed } = feedWith([
      async () => ({ cursor: 1, events: [] }),
      async () => Promise.reject(new Error('down')),
    ]);
    const revocations = new RevocationList({ kv: new MemoryKVStore({ clock }), feed, clock });
    const cache = new VerifyCache({ validate: validateUser, clock, revocations });
    let loads = 0;
    const load = async () => {
      loads++;
      return { value: USER };
    };
    await cache.get('b', load);
    await expect(cache.get('b', load)).rejects.toMatchObject({ name: 'StorageUnavailableError' });
    expect(loads).toBe(1);
  });
});

describe('a strongly consistent marks store that cannot be read', () => {
  it('is an outage, not a question for the loader', async () => {
    const clock = new ManualClock();
    const marks = new MemoryKVStore({ clock });
    marks.get = async () => {
      throw new Error('down');
    };
    const cache = new VerifyCache({
      validate: validateUser,
      clock,
      revocations: new RevocationList({ kv: marks, clock }),
    });
    let loads = 0;
    await expect(
      cache.get('c', async () => {
        loads++;
        return { value: USER };
      }),
    ).rejects.toMatchObject({ name: 'StorageUnavailableError' });
    expect(loads).toBe(0);
  });
});
