/**
 * Revocation windows of the Node-side configurations (bench only; `npm run revocation-window`):
 * how long after a revocation through "A" another isolate or process "B", whose L1 held the
 * token's answer, still admits it. Prints one JSON line.
 *
 * - memory: one process, one provider (A = B); other processes share nothing.
 * - KV only: the KV double with KV's ~60 s replication lag, two locations, simulated time; B's
 *   L1 is refreshed from KV just before the mark arrives (the worst phase), and the loader says
 *   yes (a mark-only revocation, e.g. `revokeSessionById`: Cloud was not told).
 * - Redis: a real redis-server (started here on a free loopback port), two connections + two
 *   subscribers, wall-clock time from the revocation's return to B's first refusal; also without
 *   the pub/sub feed (B's L1 lifetime decides).
 *
 * Every time is counted from the moment the revocation call returned (the logout was answered).
 *
 *   node revocation-node.mjs [--redis-server /usr/bin/redis-server]
 *
 * @module
 */
import { Redis } from 'ioredis';
import {
  capabilitiesOf,
  MemoryKVStore,
  type RevocationFeed,
  RevocationList,
  revocationWindowMs,
  VerifyCache,
} from '../src/kv-session/index.js';
import { DEFAULT_L1_TTL_MS } from '../src/kv-session/limits.js';
import { redisStores } from '../src/node/index.js';
import { KVDouble, ManualClock } from '../src/testing/index.js';
import { startRedis } from '../test/node/redis-server.js';

interface User {
  id: string;
}
const validate = (v: unknown): User | null =>
  typeof v === 'object' && v !== null && typeof Reflect.get(v, 'id') === 'string'
    ? { id: String(Reflect.get(v, 'id')) }
    : null;
const yes = async () => ({ value: { id: 'user_1' } });
const TOKEN = 'revocation-window-token';

async function refused(cache: VerifyCache<User>): Promise<boolean> {
  try {
    await cache.get(TOKEN, yes);
    return false;
  } catch {
    return true;
  }
}

async function memory() {
  const store = new MemoryKVStore();
  const cache = new VerifyCache<User>({ kv: store, validate });
  await cache.get(TOKEN, yes);
  await cache.get(TOKEN, yes);
  await cache.revoke(TOKEN);
  const t0 = performance.now();
  const isRefused = await refused(cache);
  return {
    config: 'memory (one process)',
    measuredMs: isRefused ? performance.now() - t0 : null,
    declaredMs: revocationWindowMs({ marks: capabilitiesOf(store), l1TtlMs: 0 }),
  };
}

async function kvOnly() {
  const clock = new ManualClock();
  const kv = new KVDouble({ clock, locations: ['ams', 'sfo'], replicationLagMs: 60_000 });
  const make = (location: string) => new VerifyCache<User>({ kv: kv.location(location), validate, clock });
  const a = make('ams');
  const b = make('sfo');
  await a.get(TOKEN, yes);
  clock.advance(60_000); // the answer has reached sfo
  await b.get(TOKEN, yes);
  // B's KV entry (written at its first read) must expire before the worst-phase refresh below,
  // so that refresh goes to the loader and B's L1 gets a whole lifetime.
  clock.advance(1_000);
  const t0 = clock.now();
  await a.revoke(TOKEN);
  // Worst phase: B's L1 refreshes from KV 1 ms before the mark becomes visible in sfo (no mark
  // there yet, and the loader says yes), then B is asked every 100 ms until it refuses.
  clock.set(t0 + 60_000 - 1);
  await b.get(TOKEN, yes);
  for (let t = t0 + 60_000; t < t0 + 120_000; t += 100) {
    clock.set(t);
    if (await refused(b)) {
      return {
        config: 'KV only (KV double, 60 s lag, L1 5 s)',
        measuredMs: clock.now() - t0,
        declaredMs: revocationWindowMs({
          marks: capabilitiesOf(kv.location('sfo')),
          l1TtlMs: DEFAULT_L1_TTL_MS,
        }),
        simulatedTime: true,
      };
    }
  }
  return { config: 'KV only', measuredMs: null };
}

async function redisWindow(port: number, withFeed: boolean) {
  const clients: Redis[] = [];
  const prefix = `rw-${withFeed ? 'feed' : 'nofeed'}-${Math.random().toString(36).slice(2)}:`;
  const make = () => {
    const client = new Redis(port, '127.0.0.1');
    clients.push(client);
    const subscriber = withFeed ? client.duplicate() : undefined;
    if (subscriber) clients.push(subscriber);
    const stores = redisStores({ client, prefix, ...(subscriber && { subscriber }) });
    const feed: RevocationFeed | undefined = withFeed ? stores.revocationFeed : undefined;
    const revocations = new RevocationList({ kv: stores.revocations, ...(feed && { feed }) });
    return { cache: new VerifyCache<User>({ kv: stores.cache, validate, revocations }), stores };
  };
  const a = make();
  const b = make();
  await new Promise((r) => setTimeout(r, 200)); // subscriptions established
  await a.cache.get(TOKEN, yes);
  await b.cache.get(TOKEN, yes);
  await b.cache.get(TOKEN, yes); // B answers from its L1 now
  await a.cache.revoke(TOKEN);
  const t0 = performance.now();
  let measured: number | null = null;
  while (performance.now() - t0 < 10_000) {
    if (await refused(b.cache)) {
      measured = performance.now() - t0;
      break;
    }
    await new Promise((r) => setImmediate(r));
  }
  for (const c of clients) c.disconnect();
  return {
    config: withFeed ? 'Redis + pub/sub' : 'Redis without the pub/sub feed (L1 5 s)',
    measuredMs: measured,
    declaredMs: revocationWindowMs({
      marks: capabilitiesOf(a.stores.revocations),
      l1TtlMs: DEFAULT_L1_TTL_MS,
      feed: withFeed ? 'push' : undefined,
    }),
  };
}

async function main() {
  const results: Record<string, unknown>[] = [await memory(), await kvOnly()];
  const redis = await startRedis();
  try {
    // Five runs each: the median and the worst.
    for (const withFeed of [true, false]) {
      const runs = [];
      for (let i = 0; i < (withFeed ? 5 : 1); i++) runs.push(await redisWindow(redis.port, withFeed));
      const ms = runs.map((r) => r.measuredMs ?? Number.POSITIVE_INFINITY).sort((x, y) => x - y);
      results.push({
        ...runs[0],
        measuredMs: ms[Math.floor(ms.length / 2)] ?? null,
        worstMs: ms.at(-1) ?? null,
        runs: ms.length,
      });
    }
  } finally {
    await redis.stop();
  }
  console.log(JSON.stringify({ results }));
}

await main();
