/**
 * Memory benchmark (Node, run with `--expose-gc` by `scripts/bench.mjs`; prints one JSON object).
 *
 * 1. L1 bytes per 10k entries: heap growth (after full GCs) from filling the L1 of a fresh
 *    `VerifyCache` with 10k distinct tokens, each caching a user profile like Cloud's; the same
 *    profiles measured alone give the cache's own overhead. Median of several repetitions.
 * 2. 100k distinct tokens through one cache with the default L1 bound: the number of entries
 *    still held must not exceed the bound (probed through the public API: newest tokens first,
 *    counting hits until the first miss), and the process RSS is reported.
 *
 *   node --expose-gc memory.mjs [--entries 10000] [--tokens 100000] [--repeats 5]
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { CompositeAuth, SimpleAuth } from '../src/composite/index.js';
import { MemoryKVStore, VerifyCache } from '../src/kv-session/index.js';
import { DEFAULT_L1_MAX_ENTRIES } from '../src/kv-session/limits.js';
import { MastraCloudAuthProvider } from '../src/provider/index.js';
import { createCloudEmulator } from '../src/testing/index.js';
import { positiveInt } from './args.js';
import { median } from './stats.js';

interface Profile {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: Date;
}

const gc: (() => void) | undefined = Reflect.get(globalThis, 'gc');
const T0 = Date.UTC(2026, 0, 1);
const frozen = { now: () => T0 };
const TOKEN_EXPIRY = new Date(T0 + 3_600_000);

/**
 * A token derived from `run` and `i` so none is kept alive elsewhere: Cloud-token-sized by default
 * (about 43 characters), or padded to `length` (a JWT is often 600-1,000).
 */
function token(run: number, i: number, length = 0): string {
  const base = `tok_${run.toString(36)}_${i.toString(36).padStart(36, '0')}`;
  return base.length >= length ? base : base.padEnd(length, 'x');
}

function profile(i: number): Profile {
  return {
    id: `user_${i}`,
    email: `user${i}@example.com`,
    name: `User ${i}`,
    role: 'member',
    createdAt: new Date(T0),
  };
}

function fullGc(): void {
  if (gc === undefined) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

function heapUsed(): number {
  fullGc();
  return process.memoryUsage().heapUsed;
}

async function fill(cache: VerifyCache<Profile>, run: number, count: number, length = 0): Promise<void> {
  for (let i = 0; i < count; i++) {
    // A flat string, as a header value is (padEnd makes a cons string that would overstate the key).
    const key = token(run, i, length).split('').join('');
    await cache.get(key, async () => ({ value: profile(i), expiresAt: TOKEN_EXPIRY }));
  }
}

/** Heap bytes held by a cache filled with `entries` tokens (values included), and by the values alone. */
async function l1Bytes(
  run: number,
  entries: number,
  length = 0,
): Promise<{ total: number; valuesOnly: number }> {
  let before = heapUsed();
  const values: Profile[] = [];
  for (let i = 0; i < entries; i++) values.push(profile(i));
  const valuesOnly = heapUsed() - before;
  values.length = 0;

  before = heapUsed();
  const cache = new VerifyCache<Profile>({ clock: frozen, l1MaxEntries: entries });
  await fill(cache, run, entries, length);
  const total = heapUsed() - before;
  if (cache.stats.loads !== entries)
    throw new Error(`the L1 fill did not load every token once: ${JSON.stringify(cache.stats)}`);
  return { total, valuesOnly };
}

/** Newest-first probe: how many of the last tokens are still answered from L1 (stops at the first miss). */
async function retainedEntries(cache: VerifyCache<Profile>, run: number, count: number, bound: number) {
  let retained = 0;
  for (let i = count - 1; i >= 0 && retained <= bound; i--) {
    let loaded = false;
    await cache.get(token(run, i), async () => {
      loaded = true;
      return { value: profile(i), expiresAt: TOKEN_EXPIRY };
    });
    if (loaded) break;
    retained++;
  }
  return retained;
}

/** Tokens after which the soak's bounded structures are all full (see `soak`). */
const SOAK_WARM_TOKENS = 30_000;

/**
 * Ever-new Cloud tokens through `CompositeAuth` (service tokens, then the Cloud provider with its
 * default L1 bound and a bounded in-memory KV) for `seconds`: each is verified once (cold), then
 * forgotten by the emulator so only the library's state could grow. The heap after a full GC is
 * sampled at regular intervals once every bounded structure is full.
 */
async function soak(seconds: number, samples: number) {
  const emulator = createCloudEmulator({ projectId: 'proj_soak' });
  const cloud = new MastraCloudAuthProvider({
    projectId: 'proj_soak',
    cloudBaseUrl: 'https://cloud.soak.invalid',
    sessionSecret: 'bench-soak-session-secret-0123456789abcdef',
    kv: new MemoryKVStore({ maxEntries: 20_000 }),
    fetch: emulator.fetcher,
  });
  const composite = new CompositeAuth([
    new SimpleAuth({ tokens: { svc_soak_0123456789abcdef: { id: 'svc' } } }),
    cloud,
  ]);
  const deadline = Date.now() + seconds * 1000;
  const every = (seconds * 1000) / samples;
  let nextSample = Number.POSITIVE_INFINITY;
  let tokens = 0;
  const heap: Array<{ atS: number; tokens: number; heapUsedBytes: number; rssBytes: number }> = [];
  const started = Date.now();
  while (Date.now() < deadline) {
    const t = emulator.issueToken('user_demo');
    const user = await composite.authenticateToken(
      t,
      new Request('https://soak.invalid/', { headers: { Authorization: `Bearer ${t}` } }),
    );
    if (user === null) throw new Error('soak token refused');
    emulator.revokeToken(t);
    tokens++;
    // Sampling starts once every bounded structure is full: L1 (10k), the KV store (20k) and the
    // emulator's log (trimmed at 20k).
    if (tokens === SOAK_WARM_TOKENS) nextSample = Date.now();
    if (Date.now() >= nextSample) {
      const heapUsedBytes = heapUsed();
      heap.push({
        atS: (Date.now() - started) / 1000,
        tokens,
        heapUsedBytes,
        rssBytes: process.memoryUsage().rss,
      });
      nextSample = Date.now() + every;
    }
  }
  const first = heap[0];
  const last = heap.at(-1);
  return {
    seconds,
    tokens,
    samples: heap,
    heapGrowthBytes: first && last ? last.heapUsedBytes - first.heapUsedBytes : null,
    heapMaxBytes: heap.length > 0 ? Math.max(...heap.map((h) => h.heapUsedBytes)) : null,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string' },
      tokens: { type: 'string' },
      repeats: { type: 'string' },
      'soak-s': { type: 'string' },
    },
  });
  const entries = positiveInt('entries', values.entries, 10_000);
  const tokens = positiveInt('tokens', values.tokens, 100_000);
  const repeats = positiveInt('repeats', values.repeats, 5);
  const soakS = positiveInt('soak-s', values['soak-s'], 120);

  const samples: Array<{ total: number; valuesOnly: number }> = [];
  for (let r = 0; r < repeats; r++) samples.push(await l1Bytes(r, entries));
  const total = median(samples.map((s) => s.total));
  const valuesOnly = median(samples.map((s) => s.valuesOnly));
  // The token is the L1 key, so a long token costs its length in memory: one JWT-sized fill.
  const longToken = await l1Bytes(repeats + 10, entries, 800);

  fullGc();
  const rssBefore = process.memoryUsage().rss;
  const bound = DEFAULT_L1_MAX_ENTRIES;
  const cache = new VerifyCache<Profile>({ clock: frozen });
  const run = repeats + 1;
  await fill(cache, run, tokens);
  fullGc();
  const after = process.memoryUsage();
  const retained = await retainedEntries(cache, run, tokens, bound);
  const result = {
    l1: {
      entries,
      repeats,
      bytesPer10k: (total * 10_000) / entries,
      bytesPerEntry: total / entries,
      valueBytesPerEntry: valuesOnly / entries,
      overheadBytesPerEntry: (total - valuesOnly) / entries,
      samples,
      longTokenLength: 800,
      longTokenBytesPerEntry: longToken.total / entries,
    },
    bound: {
      tokens,
      maxEntries: bound,
      retainedEntries: retained,
      holds: retained <= bound && (tokens < bound || retained === bound),
      loads: cache.stats.loads,
      rssBytesBefore: rssBefore,
      rssBytes: after.rss,
      heapUsedBytes: after.heapUsed,
    },
    soak: await soak(soakS, 12),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
