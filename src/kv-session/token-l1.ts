import type { Answer } from './verify-answers.js';

/** A cached "yes" as the hot path hands it out: the value and the hash of the token it answers for. */
export interface VerifiedAnswer<V> {
  readonly value: V;
  /** `hashToken(token)`: the token's id in KV keys, revocation marks and session records. */
  readonly tokenHash: string;
}

/** One L1 entry. `verified` is set for a positive answer (built once, handed out on every hit). */
export interface L1Entry<V> {
  readonly answer: Answer<V>;
  readonly freshUntil: number;
  readonly tokenHash: string;
  readonly verified: VerifiedAnswer<V> | undefined;
}

/**
 * The per-isolate tier of the verify cache, keyed by the token itself: a hit costs one map
 * look-up, no hashing. The key is the exact token, so two tokens never share an entry. Tokens
 * live here in isolate memory only (never in KV, never logged). A second index by token hash lets
 * a revocation (which knows only the hash) drop the entry. A bounded LRU; no timers.
 */
export class TokenL1<V> {
  readonly maxEntries: number;
  readonly #byToken = new Map<string, L1Entry<V>>();
  readonly #tokenOf = new Map<string, string>();

  /** @throws TypeError when `maxEntries` is not a positive integer. */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError('maxEntries must be a positive integer');
    }
    this.maxEntries = maxEntries;
  }

  /** Entries held (never more than `maxEntries`). */
  get size(): number {
    return this.#byToken.size;
  }

  /** The entry for `token`, marked most recently used. */
  get(token: string): L1Entry<V> | undefined {
    const entry = this.#byToken.get(token);
    if (entry === undefined) return undefined;
    // Map keeps insertion order: re-inserting moves the key to the most recent end.
    this.#byToken.delete(token);
    this.#byToken.set(token, entry);
    return entry;
  }

  /** The entry for `token`, recency unchanged. */
  peek(token: string): L1Entry<V> | undefined {
    return this.#byToken.get(token);
  }

  /** Stores the entry for `token` as most recently used, evicting the oldest beyond the bound. */
  set(token: string, entry: L1Entry<V>): void {
    const previous = this.#byToken.get(token);
    if (previous !== undefined) this.#byToken.delete(token);
    this.#byToken.set(token, entry);
    this.#tokenOf.set(entry.tokenHash, token);
    while (this.#byToken.size > this.maxEntries) {
      const oldest = this.#byToken.entries().next();
      if (oldest.done) break;
      this.#drop(oldest.value[0], oldest.value[1]);
    }
  }

  /** Drops the entry of the token whose hash is `tokenHash`; true when there was one. */
  deleteHash(tokenHash: string): boolean {
    const token = this.#tokenOf.get(tokenHash);
    if (token === undefined) return false;
    const entry = this.#byToken.get(token);
    if (entry === undefined) {
      this.#tokenOf.delete(tokenHash);
      return false;
    }
    this.#drop(token, entry);
    return true;
  }

  /** Drops every entry. */
  clear(): void {
    this.#byToken.clear();
    this.#tokenOf.clear();
  }

  #drop(token: string, entry: L1Entry<V>): void {
    this.#byToken.delete(token);
    if (this.#tokenOf.get(entry.tokenHash) === token) this.#tokenOf.delete(entry.tokenHash);
  }
}
