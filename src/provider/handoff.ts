import type { Clock } from '../kv-session/index.js';
import { LruMap } from '../kv-session/internal.js';

/**
 * A bounded, take-once hand-over between an async method and the synchronous one a Mastra server
 * calls right after it (`getLoginUrl` -> `getLoginCookies`, `setCallbackCookieHeader` ->
 * `handleCallback`, `refreshSession` -> `getSessionHeaders`). Entries are keyed per flow (state,
 * session id), never a single shared slot, so concurrent requests cannot see each other's values.
 * An entry not taken within `ttlMs` is dropped; the least recently used go first when full.
 */
export class Handoff<V> {
  readonly #entries: LruMap<string, { value: V; until: number }>;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  /**
   * @param maxEntries - bound on pending hand-overs
   * @param ttlMs - how long an entry waits to be taken
   * @param clock - the time source
   */
  constructor(maxEntries: number, ttlMs: number, clock: Clock) {
    this.#entries = new LruMap(maxEntries);
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  /** Leaves `value` for the next {@link Handoff.take} of `key` (replacing an earlier one). */
  put(key: string, value: V): void {
    this.#entries.set(key, { value, until: this.#clock.now() + this.#ttlMs });
  }

  /** Takes the value left under `key`: once only, and only while fresh. */
  take(key: string): V | undefined {
    const entry = this.#entries.peek(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    return entry.until > this.#clock.now() ? entry.value : undefined;
  }
}
