import { type Clock, systemClock } from './clock.js';
import { DEFAULT_L1_MAX_ENTRIES } from './limits.js';
import { LruMap } from './lru.js';
import type { KVPutOptions, KVStore } from './store.js';

/** Options of {@link MemoryKVStore}. */
export interface MemoryKVStoreOptions {
  /** Most records held; the least recently used is evicted beyond it. Default 10 000. */
  maxEntries?: number;
  /** Time source for `expirationTtl`. Default: the system clock. */
  clock?: Clock;
}

interface Stored {
  value: string;
  expiresAt: number | undefined;
}

/**
 * A bounded, expiring in-memory {@link KVStore} for Node (one process = one "location"). Reads
 * after writes are immediate; `expirationTtl` (seconds) is honoured; there is no TTL floor or
 * write-rate limit (those are KV's; the write guard applies them anyway). Not shared between
 * processes: with several Node processes, use a shared store.
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @example
 * ```ts
 * const kv = new MemoryKVStore({ maxEntries: 50_000 });
 * const cache = new VerifyCache({ kv, validate: parseUser, coalesce: 'isolate' });
 * ```
 */
export class MemoryKVStore implements KVStore {
  readonly #records: LruMap<string, Stored>;
  readonly #clock: Clock;

  /** @throws TypeError when `maxEntries` is not a positive integer. */
  constructor(options: MemoryKVStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_L1_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a positive integer');
    }
    this.#records = new LruMap(maxEntries);
    this.#clock = options.clock ?? systemClock;
  }

  /** Number of records held, expired ones included until they are read or evicted. */
  get size(): number {
    return this.#records.size;
  }

  async get(key: string, _type: 'text' = 'text'): Promise<string | null> {
    const record = this.#records.get(key);
    if (!record) return null;
    if (record.expiresAt !== undefined && record.expiresAt <= this.#clock.now()) {
      this.#records.delete(key);
      return null;
    }
    return record.value;
  }

  /** @throws TypeError when `value` is not a string or `expirationTtl` is not a positive number. */
  async put(key: string, value: string, options?: KVPutOptions): Promise<void> {
    if (typeof value !== 'string') throw new TypeError('value must be a string');
    const ttl = options?.expirationTtl;
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) {
      throw new TypeError('expirationTtl must be a positive number of seconds');
    }
    const expiresAt = ttl === undefined ? undefined : this.#clock.now() + ttl * 1000;
    this.#records.set(key, { value, expiresAt });
  }

  async delete(key: string): Promise<void> {
    this.#records.delete(key);
  }
}
