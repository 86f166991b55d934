import { type CloudApiError, isRejection, isUnavailable, StorageUnavailableError } from '../errors/index.js';
import { type Clock, systemClock } from './clock.js';
import { encodeVerifyEntry } from './codec.js';
import {
  effectiveExpiry,
  type FreshnessPolicy,
  graceAllows,
  isFresh,
  l1FreshUntil,
  positiveExpiry,
} from './freshness.js';
import { guardedDelete, guardedPut } from './guarded-put.js';
import { hashToken, isTokenHash } from './hash.js';
import { storageKey } from './keys.js';
import { report, type StorageErrorHandler } from './report.js';
import { RevocationList, type RevokeOptions } from './revocation.js';
import type { KVStore } from './store.js';
import { type L1Entry, TokenL1, type VerifiedAnswer } from './token-l1.js';
import {
  type Answer,
  cachedRejection,
  decodeAnswer,
  negativeEntryFor,
  revokedError,
} from './verify-answers.js';
import {
  type GetOptions,
  type LoadInfo,
  type LoadResult,
  type ResolvedOptions,
  resolveOptions,
  type VerifyCacheOptions,
  type VerifyCacheStats,
} from './verify-cache-options.js';

/**
 * The verify cache: L1 (per-isolate LRU, seconds) -> KV (shared, logical expiry inside the value)
 * -> the loader (Cloud). Revocation marks are checked at every tier. Definitive rejections are
 * cached briefly; outages never are. KV keys are token hashes; L1 is keyed by the token itself
 * (isolate memory only), so an L1 hit costs a map look-up and no hashing. Values are what the
 * caller caches (cache a user without its token, and re-attach the token in memory).
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @see STORAGE.md for the stored layout and the revocation windows.
 * @example
 * ```ts
 * const cache = new VerifyCache<User>({ kv: asKVStore(env.AUTH_KV), validate: parseUser });
 * const user = await cache.get(token, async () => {
 *   const { user, expiresAt } = await cloud.verifyToken(token);
 *   return { value: withoutToken(user), expiresAt };
 * });
 * ```
 */
export class VerifyCache<V> {
  /** The revocation marks this cache honours (shareable with other caches). */
  readonly revocations: RevocationList;
  readonly #o: ResolvedOptions;
  readonly #policy: FreshnessPolicy;
  readonly #kv: KVStore | undefined;
  readonly #clock: Clock;
  readonly #validate: (value: unknown) => V | null;
  readonly #encode: (value: V) => unknown;
  readonly #onError: StorageErrorHandler | undefined;
  readonly #l1: TokenL1<V>;
  readonly #inflight = new Map<string, Promise<V>>();
  readonly #stats: VerifyCacheStats = {
    l1Hits: 0,
    kvHits: 0,
    negativeHits: 0,
    revokedHits: 0,
    graceHits: 0,
    loads: 0,
    coalesced: 0,
    kvReadErrors: 0,
    writes: { written: 0, skipped: 0, 'rate-limited': 0, failed: 0 },
  };

  /** @throws TypeError naming the first invalid option. */
  constructor(options: VerifyCacheOptions<V> = {}) {
    this.#o = resolveOptions(options);
    this.#policy = { positiveTtlMs: this.#o.positiveTtlMs, negativeTtlMs: this.#o.negativeTtlMs };
    this.#kv = options.kv;
    this.#clock = options.clock ?? systemClock;
    this.#validate = options.validate ?? (() => null);
    this.#encode = options.encode ?? ((value) => value);
    this.#onError = options.onError;
    this.#l1 = new TokenL1(this.#o.l1MaxEntries);
    this.revocations =
      options.revocations ??
      new RevocationList({ kv: options.kv, clock: this.#clock, onError: options.onError });
    // A feed that lost track of revocations made elsewhere: no answer held here is trusted.
    this.revocations.onReset(() => this.#l1.clear());
  }

  /** A snapshot of the counters. */
  get stats(): VerifyCacheStats {
    return { ...this.#stats, writes: { ...this.#stats.writes } };
  }

  /**
   * Answers for a token: from L1, else KV, else `load` (whose answer is then cached).
   *
   * @param token - the raw token (L1 keys on it in memory; KV keys on its hash).
   * @param load - asks the authority (Cloud). Resolves `{ value, expiresAt? }`; throws a `rejected`
   *   error for a definitive "no" (cached negatively) or an `unavailable` one (never cached).
   * @param options - `waitUntil` to write KV after answering.
   * @returns the cached or loaded value.
   * @throws CloudApiError 401 `token_revoked` for a revoked token; CloudApiError with the cached
   *   status and code for a cached rejection; whatever `load` threw otherwise (after a grace
   *   answer was considered); TypeError for a bad argument.
   */
  async get(
    token: string,
    load: (info: LoadInfo) => Promise<LoadResult<V>>,
    options?: GetOptions,
  ): Promise<V> {
    return (await this.getVerified(token, load, options)).value;
  }

  /**
   * {@link VerifyCache.get}, with the token's hash beside the value (for a caller that keys other
   * state on it). On an L1 hit this is the object {@link VerifyCache.cached} returns.
   *
   * @throws as {@link VerifyCache.get}
   */
  async getVerified(
    token: string,
    load: (info: LoadInfo) => Promise<LoadResult<V>>,
    options?: GetOptions,
  ): Promise<VerifiedAnswer<V>> {
    if (typeof load !== 'function') throw new TypeError('load must be a function');
    // A polled feed (a Durable Object's revocation version) is asked before any cached answer is trusted.
    if (this.#o.pollFeed && this.revocations.syncDue) await this.revocations.sync();
    const hit = typeof token === 'string' ? this.#fromL1(token) : undefined;
    if (hit !== undefined) {
      options?.onSource?.('l1');
      return hit;
    }
    const hash = await hashToken(token);
    if (this.#isRevoked(hash)) throw this.#revoked(hash);
    const stale = this.#l1.peek(token);
    const value = await this.#coalesced(token, hash, load, options, stale);
    return { value, tokenHash: hash };
  }

  /**
   * The answer this isolate's L1 holds for `token`, synchronously: no hashing, no I/O. `undefined`
   * when L1 has no fresh entry, or a polled revocation feed is due (then use {@link VerifyCache.get}).
   *
   * @throws CloudApiError 401 `token_revoked` when the entry's token was revoked in this isolate;
   *   the cached rejection for a cached "no"
   */
  cached(token: string): VerifiedAnswer<V> | undefined {
    if (typeof token !== 'string') return undefined;
    // A polled feed that is due must be asked first (an await): `getVerified` does that.
    if (this.#o.pollFeed && this.revocations.syncDue) return undefined;
    return this.#fromL1(token);
  }

  #fromL1(token: string): VerifiedAnswer<V> | undefined {
    const entry = this.#l1.get(token);
    if (entry === undefined) return undefined;
    if (this.#isRevoked(entry.tokenHash)) throw this.#revoked(entry.tokenHash);
    if (entry.freshUntil <= this.#now()) return undefined;
    this.#stats.l1Hits++;
    if (entry.verified !== undefined) return entry.verified;
    this.#answer(entry.answer); // a cached "no": throws its rejection
    return undefined;
  }

  async #coalesced(
    token: string,
    hash: string,
    load: (info: LoadInfo) => Promise<LoadResult<V>>,
    options: GetOptions | undefined,
    stale: L1Entry<V> | undefined,
  ): Promise<V> {
    if (this.#o.coalesce === 'none') return this.#miss(token, hash, load, options, stale);
    const pending = this.#inflight.get(hash);
    if (pending) {
      this.#stats.coalesced++;
      const value = await pending;
      if (this.#isRevoked(hash)) throw this.#revoked(hash);
      return value;
    }
    const mine = this.#miss(token, hash, load, options, stale);
    this.#inflight.set(hash, mine);
    try {
      return await mine;
    } finally {
      if (this.#inflight.get(hash) === mine) this.#inflight.delete(hash);
    }
  }

  /**
   * Caches an answer obtained another way, as if `load` had just returned it (e.g. the code
   * exchange returns the user a verify would), so the next `get` costs no load. Ignored for a
   * token revoked here.
   */
  async prime(token: string, result: LoadResult<V>, options?: GetOptions): Promise<void> {
    const hash = await hashToken(token);
    if (this.#isRevoked(hash)) return;
    await this.#storePositive(token, hash, result.value, result.expiresAt?.getTime(), options);
  }

  /**
   * Revokes a token: its cached answers are dropped here, and a revocation mark is written (in
   * force at once in this isolate, elsewhere once KV has propagated it).
   *
   * @throws StorageUnavailableError when the mark could not be stored in KV (in force here only).
   */
  async revoke(token: string, options?: RevokeOptions): Promise<void> {
    await this.revokeHash(await hashToken(token), options);
  }

  /** Same as {@link VerifyCache.revoke}, from a token hash (e.g. a session record's `tokenHash`). */
  async revokeHash(tokenHash: string, options?: RevokeOptions): Promise<void> {
    // Checked before any write starts, so a bad argument leaves no write half done or unobserved.
    if (!isTokenHash(tokenHash)) throw new TypeError('tokenHash must be a hashToken() result');
    const marked = this.revocations.revokeHash(tokenHash, options);
    this.#l1.deleteHash(tokenHash);
    // Best effort: the mark supersedes the entry anyway.
    const dropped = this.#kv
      ? guardedDelete(this.#kv, storageKey(this.#o.record, tokenHash), this.#guard())
      : undefined;
    await Promise.all([marked, dropped]);
  }

  /**
   * Whether the token is revoked.
   *
   * @throws StorageUnavailableError when KV could not answer.
   */
  isRevoked(token: string): Promise<boolean> {
    return this.revocations.isRevoked(token);
  }

  async #miss(
    token: string,
    hash: string,
    load: (info: LoadInfo) => Promise<LoadResult<V>>,
    options: GetOptions | undefined,
    stale: L1Entry<V> | undefined,
  ): Promise<V> {
    let graceCandidate = stale?.answer.kind === 'ok' ? stale.answer : undefined;
    // Marks may live in another store than the cache tier (a Durable Object, Redis): always asked.
    if (this.#kv || this.revocations.shared) {
      const [state, stored] = await Promise.all([this.revocations.check(hash), this.#readKv(hash)]);
      // The second check catches a revocation made in this isolate while KV was being read.
      if (state === 'revoked' || this.#isRevoked(hash)) throw this.#revoked(hash);
      // Revocation could not be read (KV down or past its deadline): whatever Cloud would say, a
      // logout here might be missed. An outage, never an admit.
      if (state === 'unknown') throw new StorageUnavailableError('The revocation state could not be read');
      if (stored) {
        const now = this.#now();
        if (isFresh(stored, now, this.#policy)) {
          this.#remember(token, hash, stored, now);
          if (stored.kind === 'ok') this.#stats.kvHits++;
          options?.onSource?.('kv');
          return this.#answer(stored);
        }
        if (stored.kind === 'ok' && (!graceCandidate || stored.storedAt > graceCandidate.storedAt)) {
          graceCandidate = stored;
        }
      }
    }
    return this.#load(token, hash, load, options, graceCandidate);
  }

  async #load(
    token: string,
    hash: string,
    load: (info: LoadInfo) => Promise<LoadResult<V>>,
    options: GetOptions | undefined,
    grace: Answer<V> | undefined,
  ): Promise<V> {
    this.#stats.loads++;
    let result: LoadResult<V>;
    try {
      result = await load({ known: grace?.kind === 'ok', tokenHash: hash });
    } catch (error) {
      if (isRejection(error)) await this.#storeNegative(token, hash, error, options);
      else if (isUnavailable(error) && grace?.kind === 'ok' && !this.#isRevoked(hash)) {
        if (graceAllows(grace, this.#now(), this.#o.graceMs)) {
          this.#stats.graceHits++;
          options?.onSource?.('grace');
          return grace.value;
        }
      }
      throw error;
    }
    if (typeof result !== 'object' || result === null || !('value' in result)) {
      throw new TypeError('load must resolve to { value, expiresAt? }');
    }
    const { value, expiresAt } = result;
    if (expiresAt !== undefined && !(expiresAt instanceof Date))
      throw new TypeError('expiresAt must be a Date');
    // A revocation that landed while the load was in flight wins.
    if (this.#isRevoked(hash)) throw this.#revoked(hash);
    await this.#storePositive(token, hash, value, expiresAt?.getTime(), options);
    options?.onSource?.('load');
    return value;
  }

  async #storePositive(
    token: string,
    hash: string,
    value: V,
    tokenExpiresAt: number | undefined,
    options?: GetOptions,
  ) {
    const now = this.#now();
    const expiresAt = positiveExpiry(now, this.#o.positiveTtlMs, tokenExpiresAt);
    if (expiresAt === null) return;
    const answer: Answer<V> = { kind: 'ok', value, storedAt: now, expiresAt };
    if (tokenExpiresAt !== undefined) answer.tokenExpiresAt = Math.floor(tokenExpiresAt);
    this.#remember(token, hash, answer, now);
    if (!this.#kv) return;
    let encoded: string;
    try {
      encoded = encodeVerifyEntry({ ...answer, value: this.#encode(value) });
    } catch (error) {
      report(this.#onError, error, { op: 'put', record: this.#o.record });
      return;
    }
    await this.#write(hash, encoded, expiresAt + this.#o.graceMs - now, options);
  }

  async #storeNegative(token: string, hash: string, error: unknown, options?: GetOptions) {
    if (this.#o.negativeTtlMs === 0) return;
    const now = this.#now();
    const entry = negativeEntryFor(error, now, this.#o.negativeTtlMs);
    if (!entry) return;
    this.#remember(token, hash, entry, now);
    if (this.#kv && this.#o.negativeInKv) {
      await this.#write(hash, encodeVerifyEntry(entry), entry.expiresAt - now, options);
    }
  }

  async #write(hash: string, encoded: string, remainingMs: number, options?: GetOptions): Promise<void> {
    const kv = this.#kv;
    if (!kv) return;
    const write = guardedPut(kv, storageKey(this.#o.record, hash), encoded, remainingMs, this.#guard()).then(
      (outcome) => {
        this.#stats.writes[outcome]++;
      },
    );
    if (options?.waitUntil) options.waitUntil(write);
    else await write;
  }

  async #readKv(hash: string): Promise<Answer<V> | undefined> {
    const kv = this.#kv;
    if (!kv) return undefined;
    let raw: string | null;
    try {
      raw = await kv.get(storageKey(this.#o.record, hash), 'text');
    } catch (error) {
      this.#stats.kvReadErrors++;
      report(this.#onError, error, { op: 'get', record: this.#o.record });
      return undefined;
    }
    if (raw === null) return undefined;
    const answer = decodeAnswer(raw, this.#validate);
    if (!answer)
      report(this.#onError, new TypeError('corrupt cache entry'), { op: 'decode', record: this.#o.record });
    return answer ?? undefined;
  }

  #remember(token: string, hash: string, answer: Answer<V>, now: number): void {
    if (this.#o.l1TtlMs === 0) return;
    // L1's short TTL bounds how stale a "yes" may get; a cached "no" may keep its whole (short) life.
    const expiry = effectiveExpiry(answer, this.#policy);
    const freshUntil = answer.kind === 'rejected' ? expiry : l1FreshUntil(now, this.#o.l1TtlMs, expiry);
    const verified = answer.kind === 'ok' ? { value: answer.value, tokenHash: hash } : undefined;
    this.#l1.set(token, { answer, freshUntil, tokenHash: hash, verified });
  }

  #answer(answer: Answer<V>): V {
    if (answer.kind === 'ok') return answer.value;
    this.#stats.negativeHits++;
    throw cachedRejection(answer);
  }

  #isRevoked(hash: string): boolean {
    return this.revocations.isRevokedLocally(hash);
  }

  #revoked(hash: string): CloudApiError {
    this.#l1.deleteHash(hash);
    this.#stats.revokedHits++;
    return revokedError();
  }

  /** Cache writes skip rather than wait: an entry written under a second ago is as good. */
  #guard() {
    return { record: this.#o.record, clock: this.#clock, mode: 'skip' as const, onError: this.#onError };
  }

  #now(): number {
    return Math.floor(this.#clock.now());
  }
}
