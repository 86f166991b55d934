import { type Clock, sleepOn } from './clock.js';
import type { RecordKind } from './keys.js';
import { cleanupTtlSeconds, KV_WRITE_INTERVAL_MS, MAX_ENTRY_CHARS } from './limits.js';
import { report, type StorageErrorHandler } from './report.js';
import type { KVStore } from './store.js';

/**
 * What to do when this isolate wrote the key less than {@link KV_WRITE_INTERVAL_MS} ago:
 * `skip` the write (caches: the entry already there is at most a second older) or `wait` until
 * the interval has passed (state that must land: sessions, revocation marks).
 */
export type WriteMode = 'skip' | 'wait';

/**
 * - `written`: KV accepted the write.
 * - `skipped`: not sent, this isolate wrote the key within the last second (`skip` mode).
 * - `rate-limited`: KV answered 429 (another isolate wrote the key within the last second).
 * - `failed`: KV threw, or the value was too large to store.
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
 * The one path every KV write takes: clamps the TTL to KV's floor plus a margin, keeps to one
 * write per key per second from this isolate, and turns failures into an outcome (reported to
 * `onError`) instead of an exception.
 *
 * @param kv - the store.
 * @param key - a key from `keys.ts`.
 * @param value - the encoded record.
 * @param remainingMs - milliseconds until the record's logical expiry; the KV TTL is derived from it.
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
    kv.put(key, value, { expirationTtl: cleanupTtlSeconds(remainingMs) }),
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
  if (!(await reserve(kv, key, clock, mode))) return 'skipped';
  let outcome = await attempt(write, options, op);
  if (outcome === 'rate-limited' && mode === 'wait') {
    // Another isolate wrote the key within the last second: wait one interval and try once more.
    await sleepOn(clock, KV_WRITE_INTERVAL_MS);
    const slots = slotsOf(kv);
    slots.delete(key);
    slots.set(key, clock.now());
    outcome = await attempt(write, options, op);
  }
  return outcome;
}

/** Claims the next write slot for `key`; false when `skip` mode finds the key written too recently. */
async function reserve(kv: KVStore, key: string, clock: Clock, mode: WriteMode): Promise<boolean> {
  const slots = slotsOf(kv);
  const now = clock.now();
  prune(slots, now);
  const last = slots.get(key);
  const slot = last === undefined ? now : Math.max(now, last + KV_WRITE_INTERVAL_MS);
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
function prune(slots: Map<string, number>, now: number): void {
  for (const [key, at] of slots) {
    if (now - at < KV_WRITE_INTERVAL_MS) break;
    slots.delete(key);
  }
}
