/**
 * The Redis store against a real redis-server: the conformance suite, pub/sub invalidation across
 * processes' L1, real TTLs, and an outage that never admits.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudApiError } from '../../src/errors/index.js';
import { hashToken } from '../../src/kv-session/hash.js';
import { RevocationList, VerifyCache } from '../../src/kv-session/index.js';
import { redisStores } from '../../src/node/index.js';
import { MastraCloudAuthProvider } from '../../src/provider/index.js';
import { createCloudEmulator, DEMO_USER } from '../../src/testing/index.js';
import { storeConformance } from '../kv-session/conformance.js';
import { type RunningRedis, startRedis } from './redis-server.js';

let redis: RunningRedis;
/** Servers a test takes down; stopped here too, so a failing test leaves no redis-server behind. */
const extra: RunningRedis[] = [];
const startExtraRedis = async () => {
  const server = await startRedis();
  extra.push(server);
  return server;
};
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all([redis?.stop(), ...extra.map((server) => server.stop())]);
});

/** A connection whose errors are asserted through the stores, not logged (closed with the server). */
const quiet = (connection: Redis) => {
  connection.on('error', () => {});
  subscribers.push(connection);
  return connection;
};
const subscribers: Redis[] = [];
afterAll(() => {
  for (const connection of subscribers) connection.disconnect();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const prefix = () => `test-${Math.random().toString(36).slice(2)}:`;

storeConformance('Redis', async () => {
  const p = prefix();
  // Two connections: two processes of a fleet.
  const a = redisStores({ client: redis.client(), prefix: p });
  const b = redisStores({ client: redis.client(), prefix: p });
  return { store: a.store, other: b.store, elapse: sleep };
});

interface User {
  id: string;
}
const validate = (value: unknown): User | null =>
  typeof value === 'object' && value !== null && typeof Reflect.get(value, 'id') === 'string'
    ? { id: String(Reflect.get(value, 'id')) }
    : null;

describe('Redis store in a fleet', () => {
  it('a revocation through process A drops the answer from process B’s L1 within one round trip', async () => {
    const p = prefix();
    const make = () => {
      const client = redis.client();
      const stores = redisStores({ client, subscriber: quiet(client.duplicate()), prefix: p });
      const revocations = new RevocationList({ kv: stores.revocations, feed: stores.revocationFeed });
      return new VerifyCache<User>({ kv: stores.cache, validate, l1TtlMs: 60_000, revocations });
    };
    const a = make();
    const b = make();
    await sleep(100); // both subscriptions are established
    let loads = 0;
    const load = async () => {
      loads++;
      return { value: { id: 'user_1' } };
    };
    const token = 'redis-fleet-token';
    expect(await a.get(token, load)).toEqual({ id: 'user_1' });
    expect(await b.get(token, load)).toEqual({ id: 'user_1' }); // from Redis, now in B's L1
    expect(await b.get(token, load)).toEqual({ id: 'user_1' });
    expect(b.stats.l1Hits).toBe(1);
    expect(loads).toBe(1);
    const started = performance.now();
    await a.revoke(token);
    let refusedAfter = Number.NaN;
    for (let i = 0; i < 100; i++) {
      try {
        await b.get(token, load);
      } catch (error) {
        expect(error).toBeInstanceOf(CloudApiError);
        refusedAfter = performance.now() - started;
        break;
      }
      await sleep(5);
    }
    // B's L1 answer lives 60 s: only the push can refuse it this soon.
    expect(refusedAfter).toBeLessThan(1_000);
  });

  it('keys carry real TTLs', async () => {
    const p = prefix();
    const client = redis.client();
    const { store } = redisStores({ client, prefix: p });
    const key = `session:${await hashToken('ttl')}`;
    await store.put(key, 'x', { expirationTtl: 90 });
    const pttl = Number(await client.pttl(p + key));
    expect(pttl).toBeGreaterThan(85_000);
    expect(pttl).toBeLessThanOrEqual(90_000);
  });

  it('Redis down: reads and writes fail as StorageUnavailableError within the deadline, never admit', async () => {
    const down = await startExtraRedis();
    const client = down.client();
    const { store, revocations } = redisStores({ client, prefix: prefix(), timeoutMs: 300 });
    const list = new RevocationList({ kv: revocations });
    const cache = new VerifyCache<User>({ kv: store, validate, revocations: list });
    await down.kill();
    await expect(store.get('session:x', 'text')).rejects.toMatchObject({ name: 'StorageUnavailableError' });
    let loads = 0;
    await expect(
      cache.get('token-while-down', async () => {
        loads++;
        return { value: { id: 'user_1' } };
      }),
    ).rejects.toMatchObject({ name: 'StorageUnavailableError' });
    expect(loads).toBe(0); // Cloud was not asked to decide instead of the revocation store
  });

  it('the provider over Redis: Redis down is an error for every token, cached or not, never a user', async () => {
    const down = await startExtraRedis();
    const emulator = createCloudEmulator({ projectId: 'proj_redis' });
    const mint = async () => emulator.issueToken(DEMO_USER.id);
    const client = down.client();
    const provider = new MastraCloudAuthProvider({
      projectId: 'proj_redis',
      cloudBaseUrl: 'https://cloud.test',
      fetch: emulator.fetcher,
      sessionSecret: 'redis-provider-secret-0123456789-abcdef',
      stores: redisStores({
        client,
        subscriber: quiet(client.duplicate()),
        prefix: prefix(),
        timeoutMs: 300,
      }),
    });
    const request = new Request('https://app.test/api/x');
    const cached = await mint();
    const fresh = await mint();
    expect((await provider.authenticateToken(cached, request))?.id).toBe(DEMO_USER.id);
    await down.kill();
    await sleep(100); // the subscriber sees the connection drop and clears the L1
    for (const token of [cached, fresh]) {
      await expect(provider.authenticateToken(token, request)).rejects.toMatchObject({
        name: 'StorageUnavailableError',
      });
    }
  });
});
