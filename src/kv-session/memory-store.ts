import { MEMORY_CAPABILITIES, type StoreCapabilities } from './capabilities.js';
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
 * after writes are immediate; `expirationTtl` (seconds) is honoured; no TTL floor, no write-rate
 * limit, atomic `putIfAbsent` ({@link MEMORY_CAPABILITIES}). Not shared between processes: with
 * several Node processes, use a shared store (the Redis store in `mastra-edge-auth/node`).
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
  readonly capabilities: StoreCapabilities = MEMORY_CAPABILITIES;
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
    return this.#live(key)?.value ?? null;
  }

  /** @throws TypeError when `value` is not a string or `expirationTtl` is not a positive number. */
  async put(key: string, value: string, options?: KVPutOptions): Promise<void> {
    this.#records.set(key, this.#record(value, options));
  }

  /** Atomic (checked and written in one synchronous step). @throws TypeError as `put`. */
  async putIfAbsent(key: string, value: string, options?: KVPutOptions): Promise<boolean> {
    const record = this.#record(value, options);
    if (this.#live(key)) return false;
    this.#records.set(key, record);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.#records.delete(key);
  }

  #live(key: string): Stored | undefined {
    const record = this.#records.get(key);
    if (!record) return undefined;
    if (record.expiresAt !== undefined && record.expiresAt <= this.#clock.now()) {
      this.#records.delete(key);
      return undefined;
    }
    return record;
  }

  #record(value: string, options: KVPutOptions | undefined): Stored {
    if (typeof value !== 'string') throw new TypeError('value must be a string');
    const ttl = options?.expirationTtl;
    if (ttl !== undefined && (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0)) {
      throw new TypeError('expirationTtl must be a positive number of seconds');
    }
    return { value, expiresAt: ttl === undefined ? undefined : this.#clock.now() + ttl * 1000 };
  }
}
