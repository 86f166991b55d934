import { capabilitiesOf, cleanupTtlFor } from './capabilities.js';
import { type Clock, sleepOn } from './clock.js';
import type { RecordKind } from './keys.js';
import { MAX_ENTRY_CHARS } from './limits.js';
import { report, type StorageErrorHandler } from './report.js';
import type { KVStore } from './store.js';

/**
 * What to do when this isolate wrote the key less than the store's `writeIntervalMs` ago:
 * `skip` the write (caches: the entry already there is at most a second older) or `wait` until
 * the interval has passed (state that must land: sessions, revocation marks).
 */
export type WriteMode = 'skip' | 'wait';

/**
 * - `written`: KV accepted the write.
 * - `skipped`: not sent, this isolate wrote the key within the store's write interval (`skip` mode).
 * - `rate-limited`: the store answered 429 (another isolate wrote the key within the interval).
 * - `failed`: the store threw, or the value was too large to store.
 */
export type WriteOutcome = 'written' | 'skipped' | 'rate-limited' | 'failed';

/** Options shared by {@link guardedPut} and {@link guardedDelete}. */
export interface GuardOptions {
  record: RecordKind;
  clock: Clock;
  mode: WriteMode;
  onError?: StorageErrorHandler | undefined;
}

// Time of the last write (or reserved write slot) per key, per store: one store object per binding
// per isolate (asKVStore memoizes), so every writer in this isolate shares it.
const lastWrites = new WeakMap<KVStore, Map<string, number>>();

/**
 * The one path every store write takes: clamps the TTL to the store's declared floor plus its
 * margin, keeps to its declared write rate per key from this isolate (Workers KV: one per second),
 * and turns failures into an outcome (reported to `onError`) instead of an exception.
 *
 * @param kv - the store.
 * @param key - a key from `keys.ts`.
 * @param value - the encoded record.
 * @param remainingMs - milliseconds until the record's logical expiry; the store TTL is derived from it.
 * @param options - record kind (for reports), clock, mode, error handler.
 * @returns what happened; never throws.
 */
export async function guardedPut(
  kv: KVStore,
  key: string,
  value: string,
  remainingMs: number,
  options: GuardOptions,
): Promise<WriteOutcome> {
  if (value.length > MAX_ENTRY_CHARS) {
    report(options.onError, new RangeError(`record larger than ${MAX_ENTRY_CHARS} characters`), {
      op: 'put',
      record: options.record,
    });
    return 'failed';
  }
  return guarded(kv, key, options, 'put', () =>
    kv.put(key, value, { expirationTtl: cleanupTtlFor(capabilitiesOf(kv), remainingMs) }),
  );
}

/**
 * Deletes a key through the same guard as {@link guardedPut} (KV counts a delete as a write).
 *
 * @returns what happened; never throws.
 */
export function guardedDelete(kv: KVStore, key: string, options: GuardOptions): Promise<WriteOutcome> {
  return guarded(kv, key, options, 'delete', () => kv.delete(key));
}

async function guarded(
  kv: KVStore,
  key: string,
  options: GuardOptions,
  op: 'put' | 'delete',
  write: () => Promise<void>,
): Promise<WriteOutcome> {
  const { clock, mode } = options;
  const interval = capabilitiesOf(kv).writeIntervalMs;
  if (interval === 0) return attempt(write, options, op);
  if (!(await reserve(kv, key, clock, mode, interval))) return 'skipped';
  let outcome = await attempt(write, options, op);
  if (outcome === 'rate-limited' && mode === 'wait') {
    // Another isolate wrote the key within the interval: wait one interval and try once more.
    await sleepOn(clock, interval);
    const slots = slotsOf(kv);
    slots.delete(key);
    slots.set(key, clock.now());
    outcome = await attempt(write, options, op);
  }
  return outcome;
}

/** Claims the next write slot for `key`; false when `skip` mode finds the key written too recently. */
async function reserve(
  kv: KVStore,
  key: string,
  clock: Clock,
  mode: WriteMode,
  interval: number,
): Promise<boolean> {
  const slots = slotsOf(kv);
  const now = clock.now();
  prune(slots, now, interval);
  const last = slots.get(key);
  const slot = last === undefined ? now : Math.max(now, last + interval);
  if (slot > now && mode === 'skip') return false;
  // Claimed before awaiting, so concurrent writers in this isolate see it.
  slots.delete(key);
  slots.set(key, slot);
  await sleepOn(clock, slot - now);
  return true;
}

async function attempt(
  write: () => Promise<void>,
  options: GuardOptions,
  op: 'put' | 'delete',
): Promise<WriteOutcome> {
  try {
    await write();
    return 'written';
  } catch (error) {
    report(options.onError, error, { op, record: options.record });
    return isRateLimited(error) ? 'rate-limited' : 'failed';
  }
}

/** KV's answer to a second write of a key within a second: "KV PUT failed: 429 Too Many Requests". */
function isRateLimited(error: unknown): boolean {
  return error instanceof Error && /\b429\b/.test(error.message);
}

function slotsOf(kv: KVStore): Map<string, number> {
  let slots = lastWrites.get(kv);
  if (!slots) {
    slots = new Map();
    lastWrites.set(kv, slots);
  }
  return slots;
}

/** Drops slots older than the interval; the map is in slot order, so stop at the first recent one. */
function prune(slots: Map<string, number>, now: number, interval: number): void {
  for (const [key, at] of slots) {
    if (now - at < interval) break;
    slots.delete(key);
  }
}
