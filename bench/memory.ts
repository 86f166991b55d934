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
import { VerifyCache } from '../src/kv-session/index.js';
import { DEFAULT_L1_MAX_ENTRIES } from '../src/kv-session/limits.js';
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

/** A Cloud-token-sized token (43 base64url characters), derived from `i` so none is kept alive. */
function token(run: number, i: number): string {
  return `tok_${run.toString(36)}_${i.toString(36).padStart(36, '0')}`;
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

async function fill(cache: VerifyCache<Profile>, run: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await cache.get(token(run, i), async () => ({ value: profile(i), expiresAt: TOKEN_EXPIRY }));
  }
}

/** Heap bytes held by a cache filled with `entries` tokens (values included), and by the values alone. */
async function l1Bytes(run: number, entries: number): Promise<{ total: number; valuesOnly: number }> {
  let before = heapUsed();
  const values: Profile[] = [];
  for (let i = 0; i < entries; i++) values.push(profile(i));
  const valuesOnly = heapUsed() - before;
  values.length = 0;

  before = heapUsed();
  const cache = new VerifyCache<Profile>({ clock: frozen, l1MaxEntries: entries });
  await fill(cache, run, entries);
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { entries: { type: 'string' }, tokens: { type: 'string' }, repeats: { type: 'string' } },
  });
  const entries = positiveInt('entries', values.entries, 10_000);
  const tokens = positiveInt('tokens', values.tokens, 100_000);
  const repeats = positiveInt('repeats', values.repeats, 5);

  const samples: Array<{ total: number; valuesOnly: number }> = [];
  for (let r = 0; r < repeats; r++) samples.push(await l1Bytes(r, entries));
  const total = median(samples.map((s) => s.total));
  const valuesOnly = median(samples.map((s) => s.valuesOnly));

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
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
