import { StorageUnavailableError } from '../errors/index.js';
import { capabilitiesOf } from './capabilities.js';
import { type Clock, systemClock } from './clock.js';
import { decodeRevocationMark, encodeRevocationMark } from './codec.js';
import { guardedPut } from './guarded-put.js';
import { hashToken, isTokenHash } from './hash.js';
import { storageKey } from './keys.js';
import { DEFAULT_L1_MAX_ENTRIES, DEFAULT_REVOCATION_TTL_MS, MIN_REVOCATION_TTL_MS } from './limits.js';
import { LruMap } from './lru.js';
import { report, type StorageErrorHandler } from './report.js';
import type { KVStore } from './store.js';
import type { RevocationEvent, RevocationFeed } from './stores.js';

/** `revoked`: a live mark exists. `clear`: none. `unknown`: KV could not be read (or held garbage). */
export type RevocationState = 'revoked' | 'clear' | 'unknown';

/** Options of {@link RevocationList}. */
export interface RevocationListOptions {
  /** Where marks are shared with other isolates and locations. Without it, marks are local only. */
  kv?: KVStore;
  clock?: Clock;
  /** Bound of the local mark set. Default 10 000. */
  maxLocalEntries?: number;
  /** Mark lifetime when `revoke` gets no `until`. Default 24 h; at least 2 h. */
  defaultTtlMs?: number;
  onError?: StorageErrorHandler;
  /** Revocations made elsewhere, pushed or polled (see {@link RevocationFeed}). */
  feed?: RevocationFeed;
  /** Least time between two polls of a polled feed. Default 0: before every cached answer is trusted. */
  feedPollMs?: number;
}

/** Options of {@link RevocationList.revoke}. */
export interface RevokeOptions {
  /** When the token expires anyway (e.g. the session's `expiresAt`); the mark lives at least 2 h. */
  until?: Date;
}

/**
 * Revocation marks: written on logout, checked by every cache tier. A mark takes effect at once in
 * the isolate that wrote it (local set), and in other isolates and locations once KV has propagated
 * it (about 60 s, see STORAGE.md). Share one list between caches of one store so a revocation
 * through any of them is seen by all.
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @example
 * ```ts
 * const revocations = new RevocationList({ kv });
 * await revocations.revoke(token, { until: session.expiresAt });
 * ```
 */
export class RevocationList {
  /**
   * The marks store is strongly consistent: a mark it does not answer for may exist, so an
   * unreadable state is an outage (no loader may decide instead).
   */
  readonly authoritative: boolean;
  readonly #kv: KVStore | undefined;
  readonly #clock: Clock;
  readonly #local: LruMap<string, number>;
  readonly #defaultTtlMs: number;
  readonly #onError: StorageErrorHandler | undefined;
  readonly #poll: RevocationFeed['poll'];
  readonly #pollMs: number;
  readonly #resetListeners: Array<() => void> = [];
  #cursor: number | undefined;
  #polledAt = Number.NEGATIVE_INFINITY;

  /** @throws TypeError naming the option when one is invalid. */
  constructor(options: RevocationListOptions = {}) {
    const max = options.maxLocalEntries ?? DEFAULT_L1_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('maxLocalEntries must be a positive integer');
    const ttl = options.defaultTtlMs ?? DEFAULT_REVOCATION_TTL_MS;
    if (!Number.isInteger(ttl) || ttl < MIN_REVOCATION_TTL_MS) {
      throw new TypeError(`defaultTtlMs must be an integer of at least ${MIN_REVOCATION_TTL_MS}`);
    }
    this.#kv = options.kv;
    this.#clock = options.clock ?? systemClock;
    this.#local = new LruMap(max);
    this.#defaultTtlMs = ttl;
    this.#onError = options.onError;
    this.authoritative = options.kv !== undefined && capabilitiesOf(options.kv).consistency.kind === 'strong';
    const pollMs = options.feedPollMs ?? 0;
    if (!Number.isInteger(pollMs) || pollMs < 0)
      throw new TypeError('feedPollMs must be a non-negative integer');
    this.#pollMs = pollMs;
    const feed = options.feed;
    if (feed !== undefined && (typeof feed !== 'object' || feed === null)) {
      throw new TypeError('feed must be a RevocationFeed');
    }
    this.#poll = typeof feed?.poll === 'function' ? feed.poll.bind(feed) : undefined;
    if (typeof feed?.subscribe === 'function') feed.subscribe((event) => this.#apply(event));
  }

  /** True when marks are shared through a store (not only this isolate's memory). */
  get shared(): boolean {
    return this.#kv !== undefined;
  }

  /** Calls `listener` when a feed says it cannot tell what was revoked: drop every cached answer. */
  onReset(listener: () => void): void {
    this.#resetListeners.push(listener);
  }

  /** True when a polled feed is due (cheap; no I/O): call {@link RevocationList.sync} then. */
  get syncDue(): boolean {
    return this.#poll !== undefined && this.#clock.now() - this.#polledAt >= this.#pollMs;
  }

  /**
   * Polls the feed for revocations made elsewhere and applies them (local marks, or a reset).
   *
   * @throws StorageUnavailableError when the feed could not answer: nothing cached may be trusted.
   */
  async sync(): Promise<void> {
    const poll = this.#poll;
    if (poll === undefined) return;
    const startedAt = this.#clock.now();
    let answer: Awaited<ReturnType<NonNullable<RevocationFeed['poll']>>>;
    try {
      answer = await poll(this.#cursor);
    } catch (error) {
      report(this.#onError, error, { op: 'get', record: 'revoked' });
      throw new StorageUnavailableError('The revocation feed could not be read', { cause: error });
    }
    for (const event of answer.events) this.#apply(event);
    if (this.#cursor === undefined || answer.cursor > this.#cursor) this.#cursor = answer.cursor;
    this.#polledAt = Math.max(this.#polledAt, startedAt);
  }

  /**
   * Revokes a token: refused at once in this isolate, and everywhere once KV has propagated.
   *
   * @param token - the raw token (hashed; never stored).
   * @param options - `until`: when the token expires anyway.
   * @throws StorageUnavailableError when the mark could not be written to KV (it is in force in
   *   this isolate only); TypeError for a bad argument.
   */
  async revoke(token: string, options?: RevokeOptions): Promise<void> {
    await this.revokeHash(await hashToken(token), options);
  }

  /**
   * Same as {@link RevocationList.revoke}, from a token hash (e.g. a session record's `tokenHash`).
   *
   * @throws StorageUnavailableError as `revoke`; TypeError when `tokenHash` is not a token hash.
   */
  async revokeHash(tokenHash: string, options?: RevokeOptions): Promise<void> {
    if (!isTokenHash(tokenHash)) throw new TypeError('tokenHash must be a hashToken() result');
    const now = this.#clock.now();
    const until = Math.max(this.#requestedUntil(now, options), now + MIN_REVOCATION_TTL_MS);
    this.#markLocally(tokenHash, until);
    if (!this.#kv) return;
    const outcome = await guardedPut(
      this.#kv,
      storageKey('revoked', tokenHash),
      encodeRevocationMark({ revokedAt: now, until }),
      until - now,
      { record: 'revoked', clock: this.#clock, mode: 'wait', onError: this.#onError },
    );
    // A 429 on a `revoked:` key means a mark was written there within the last second.
    if (outcome === 'failed') {
      throw new StorageUnavailableError(
        'The revocation mark could not be stored; it is in force in this isolate only',
      );
    }
  }

  /** True when this isolate holds a live mark for the hash (no I/O). */
  isRevokedLocally(tokenHash: string): boolean {
    const until = this.#local.peek(tokenHash);
    if (until === undefined) return false;
    if (until > this.#clock.now()) return true;
    this.#local.delete(tokenHash);
    return false;
  }

  /**
   * Checks the local set, then KV. A mark found in KV is remembered locally. A KV read that throws,
   * or a corrupt mark, is `unknown` (reported to `onError`): callers must not trust a cached answer then.
   */
  async check(tokenHash: string): Promise<RevocationState> {
    if (this.isRevokedLocally(tokenHash)) return 'revoked';
    if (!this.#kv) return 'clear';
    let raw: string | null;
    try {
      raw = await this.#kv.get(storageKey('revoked', tokenHash), 'text');
    } catch (error) {
      report(this.#onError, error, { op: 'get', record: 'revoked' });
      return 'unknown';
    }
    if (raw === null) return 'clear';
    const mark = decodeRevocationMark(raw);
    if (!mark) {
      report(this.#onError, new TypeError('corrupt revocation mark'), { op: 'decode', record: 'revoked' });
      return 'unknown';
    }
    if (mark.until <= this.#clock.now()) return 'clear';
    this.#markLocally(tokenHash, mark.until);
    return 'revoked';
  }

  /**
   * Whether the token is revoked (local set, then KV).
   *
   * @throws StorageUnavailableError when KV could not answer.
   */
  async isRevoked(token: string): Promise<boolean> {
    const state = await this.check(await hashToken(token));
    if (state === 'unknown') throw new StorageUnavailableError('Revocation state could not be read');
    return state === 'revoked';
  }

  #requestedUntil(now: number, options: RevokeOptions | undefined): number {
    const until = options?.until;
    if (until === undefined) return now + this.#defaultTtlMs;
    if (!(until instanceof Date) || !Number.isFinite(until.getTime())) {
      throw new TypeError('until must be a valid Date');
    }
    return until.getTime();
  }

  #apply(event: RevocationEvent): void {
    if (event.kind === 'reset') {
      for (const listener of this.#resetListeners) listener();
      return;
    }
    // The mark's own `until` stays in the store; locally it only has to outlive cached answers.
    if (isTokenHash(event.tokenHash))
      this.#markLocally(event.tokenHash, this.#clock.now() + MIN_REVOCATION_TTL_MS);
  }

  #markLocally(tokenHash: string, until: number): void {
    const existing = this.#local.peek(tokenHash) ?? 0;
    this.#local.set(tokenHash, Math.max(existing, until));
  }
}
