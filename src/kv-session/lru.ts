/**
 * A bounded least-recently-used map. Holds at most `maxEntries` entries: inserting into a full
 * map evicts the entry read or written longest ago. No timers; callers check freshness.
 */
export class LruMap<K, V> {
  readonly maxEntries: number;
  readonly #entries = new Map<K, V>();

  /**
   * @param maxEntries - a positive integer bound.
   * @throws TypeError when `maxEntries` is not a positive integer.
   */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a positive integer');
    }
    this.maxEntries = maxEntries;
  }

  /** Number of entries held (never more than `maxEntries`). */
  get size(): number {
    return this.#entries.size;
  }

  /** Reads an entry and marks it most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    // Map keeps insertion order: re-inserting moves the key to the most-recent end.
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Reads an entry without changing its recency. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Writes an entry as most recently used, evicting the least recently used ones beyond the bound. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** Removes an entry; true when it was present. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Removes every entry. */
  clear(): void {
    this.#entries.clear();
  }

  /** Keys from least to most recently used. */
  keys(): K[] {
    return [...this.#entries.keys()];
  }
}
