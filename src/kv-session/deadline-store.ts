import { StorageUnavailableError } from '../errors/index.js';
import type { KVPutOptions, KVStore } from './store.js';

/** Deadlines of KV operations, in ms. */
export interface KVDeadlines {
  /** A read past it fails (the caller treats it as a miss, or as an outage for revocation marks). Default 1000. */
  readMs?: number;
  /** A write or delete past it fails (reported; writes run after the response anyway). Default 2000. */
  writeMs?: number;
}

export const DEFAULT_KV_READ_DEADLINE_MS = 1_000;
export const DEFAULT_KV_WRITE_DEADLINE_MS = 2_000;
const MAX_DEADLINE_MS = 60_000;

// One wrapper per store and deadlines, so per-store state keyed by the store object (the write
// guard's last-write times) is shared by every user of the same binding in the isolate.
const wrappers = new WeakMap<KVStore, Map<string, KVStore>>();

/**
 * A {@link KVStore} whose operations fail with `StorageUnavailableError` once past their
 * deadline, instead of hanging the request: a stalled KV read costs at most `readMs`. The
 * store's declared `capabilities` and `putIfAbsent` carry over.
 *
 * @param kv - the store to guard
 * @param deadlines - read and write deadlines (ms)
 * @returns the guarded store (the same object for the same store and deadlines)
 * @throws TypeError for a deadline that is not an integer from 1 to 60 000
 */
export function withKvDeadlines(kv: KVStore, deadlines: KVDeadlines = {}): KVStore {
  const readMs = deadline(deadlines.readMs, 'readMs', DEFAULT_KV_READ_DEADLINE_MS);
  const writeMs = deadline(deadlines.writeMs, 'writeMs', DEFAULT_KV_WRITE_DEADLINE_MS);
  let byDeadlines = wrappers.get(kv);
  if (byDeadlines === undefined) {
    byDeadlines = new Map();
    wrappers.set(kv, byDeadlines);
  }
  const id = `${readMs}/${writeMs}`;
  const existing = byDeadlines.get(id);
  if (existing !== undefined) return existing;
  const putIfAbsent = kv.putIfAbsent?.bind(kv);
  const guarded: KVStore = {
    ...(kv.capabilities !== undefined && { capabilities: kv.capabilities }),
    get: (key, type) => within(kv.get(key, type), readMs, 'read'),
    put: (key, value, options) => within(kv.put(key, value, options), writeMs, 'write'),
    delete: (key) => within(kv.delete(key), writeMs, 'delete'),
    ...(putIfAbsent !== undefined && {
      putIfAbsent: (key: string, value: string, options?: KVPutOptions) =>
        within(putIfAbsent(key, value, options), writeMs, 'write'),
    }),
  };
  byDeadlines.set(id, guarded);
  return guarded;
}

function within<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  return storageDeadline(operation, ms, () => `KV ${what} did not finish within ${ms} ms`);
}

/**
 * `operation`, or a `StorageUnavailableError` with `message()` once `ms` have passed: a stalled
 * store costs at most `ms`.
 */
export function storageDeadline<T>(operation: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StorageUnavailableError(message())), ms);
  });
  // The loser of the race settles unobserved: keep that from being an unhandled rejection.
  operation.catch(() => {});
  return Promise.race([operation, expired]).finally(() => clearTimeout(timer));
}

function deadline(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DEADLINE_MS) {
    throw new TypeError(`${name} must be an integer from 1 to ${MAX_DEADLINE_MS}`);
  }
  return value;
}
