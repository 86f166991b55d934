import type { Clock } from './clock.js';
import type { WriteOutcome } from './guarded-put.js';
import {
  DEFAULT_L1_MAX_ENTRIES,
  DEFAULT_L1_TTL_MS,
  DEFAULT_NEGATIVE_TTL_MS,
  DEFAULT_POSITIVE_TTL_MS,
  MAX_POSITIVE_TTL_MS,
} from './limits.js';
import type { StorageErrorHandler } from './report.js';
import type { RevocationList } from './revocation.js';
import type { KVStore } from './store.js';

/**
 * How concurrent misses of one token share a load.
 *
 * - `'isolate'`: every caller in the isolate awaits the first caller's load (one Cloud call).
 *   Safe in Node. NOT safe in workerd when callers belong to different requests: a promise whose
 *   I/O was started by another request can hang (the reason jose's `src/jwks/remote.ts` never
 *   awaits another request's fetch on Workers, panva/jose#355).
 * - `'none'` (default): each caller loads on its own; the KV entry written by the first load serves
 *   later requests. Safe everywhere.
 */
export type Coalesce = 'isolate' | 'none';

/** Options of `VerifyCache`. Every duration is in milliseconds. */
export interface VerifyCacheOptions<V> {
  /** Shared tier (Workers KV binding, `MemoryKVStore`, the test double). Without it: L1 only. */
  kv?: KVStore;
  /**
   * Checks a value read back from KV (untrusted) and returns it typed, or `null` to treat the
   * entry as a miss. Required with `kv`. Receives what `encode` produced, after a JSON round trip.
   */
  validate?: (value: unknown) => V | null;
  /** Turns a value into JSON-safe data for KV (e.g. `Date` to ISO string). Default: as is. */
  encode?: (value: V) => unknown;
  /** Key prefix of entries: `'verify'` (default) or `'perm'` for a permission cache. */
  record?: 'verify' | 'perm';
  /** Default: the system clock. */
  clock?: Clock;
  /** Revocation marks to honour. Default: a new list over `kv`. Share one between caches. */
  revocations?: RevocationList;
  /**
   * Poll a polled revocation feed (see `RevocationList`) before trusting a cached answer. Default
   * true. A cache consulted only right after another cache that shares its `revocations` in the
   * same request (the provider's permission cache, after the user's verification) turns it off,
   * so a request costs one poll.
   */
  pollFeed?: boolean;
  /** Default `'none'`; see {@link Coalesce} for why the caller must choose `'isolate'`. */
  coalesce?: Coalesce;
  /** L1 bound. Default 10 000. */
  l1MaxEntries?: number;
  /** L1 lifetime; 0 turns L1 off. Default 5 000. */
  l1TtlMs?: number;
  /** Lifetime of a positive answer, never past the token's expiry. Default 60 000, at most 3 600 000. */
  positiveTtlMs?: number;
  /** Lifetime of a definitive "no"; 0 turns negative caching off. Default 10 000. */
  negativeTtlMs?: number;
  /**
   * Also store negative answers in KV (default `false`: L1 only). Off by default because every
   * distinct invalid token would then cost a KV write, a cheap way to burn the write quota.
   */
  negativeInKv?: boolean;
  /**
   * Weakens freshness: serve a positive answer up to this long past its expiry while the loader
   * is unavailable (never past the token's own expiry, never for a revoked token). Default 0 (off).
   */
  graceMs?: number;
  /** Receives absorbed storage failures (KV errors, corrupt entries). */
  onError?: StorageErrorHandler;
}

/** What a loader resolves to: the answer, and the token's own expiry when known. */
export interface LoadResult<V> {
  value: V;
  expiresAt?: Date;
}

/** Per-call options of `VerifyCache.get`. */
export interface GetOptions {
  /** Run the KV write after answering (`ctx.waitUntil` in a Worker) instead of awaiting it. */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
  /** Told which tier answered: `l1`, `kv`, `load` (the loader) or `grace` (stale-if-error). */
  onSource?: ((source: AnswerSource) => void) | undefined;
}

/** The tier that answered a `get`. */
export type AnswerSource = 'l1' | 'kv' | 'load' | 'grace';

/** What the loader is told about the token it loads. */
export interface LoadInfo {
  /**
   * True when this cache holds an earlier positive answer for the token (expired, but once good):
   * a token seen before, not junk. A caller may budget loads of unknown tokens only.
   */
  known: boolean;
  /** `hashToken(token)`, computed by the cache on the miss (for a caller that keys state on it). */
  tokenHash: string;
}

/** Counters for tests and benchmarks. */
export interface VerifyCacheStats {
  l1Hits: number;
  kvHits: number;
  negativeHits: number;
  revokedHits: number;
  graceHits: number;
  loads: number;
  coalesced: number;
  kvReadErrors: number;
  writes: Record<WriteOutcome, number>;
}

/** Options after defaults and checks. */
export interface ResolvedOptions {
  record: 'verify' | 'perm';
  pollFeed: boolean;
  coalesce: Coalesce;
  l1MaxEntries: number;
  l1TtlMs: number;
  positiveTtlMs: number;
  negativeTtlMs: number;
  negativeInKv: boolean;
  graceMs: number;
}

/**
 * Applies defaults and checks every option.
 *
 * @throws TypeError naming the first invalid option.
 */
export function resolveOptions<V>(options: VerifyCacheOptions<V>): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { kv, validate, encode, onError, clock } = options;
  if (kv !== undefined) {
    if (
      typeof kv !== 'object' ||
      kv === null ||
      typeof kv.get !== 'function' ||
      typeof kv.put !== 'function' ||
      typeof kv.delete !== 'function'
    ) {
      throw new TypeError('kv must be a KVStore (get, put, delete), e.g. asKVStore(env.AUTH_KV)');
    }
    if (typeof validate !== 'function')
      throw new TypeError('validate is required with kv: values read back from KV are untrusted');
  }
  if (validate !== undefined && typeof validate !== 'function')
    throw new TypeError('validate must be a function');
  if (encode !== undefined && typeof encode !== 'function') throw new TypeError('encode must be a function');
  if (onError !== undefined && typeof onError !== 'function')
    throw new TypeError('onError must be a function');
  if (
    clock !== undefined &&
    (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function')
  ) {
    throw new TypeError('clock must have a now() method');
  }
  const record = options.record ?? 'verify';
  if (record !== 'verify' && record !== 'perm') throw new TypeError("record must be 'verify' or 'perm'");
  const coalesce = options.coalesce ?? 'none';
  if (coalesce !== 'isolate' && coalesce !== 'none')
    throw new TypeError("coalesce must be 'isolate' or 'none'");
  const pollFeed = options.pollFeed ?? true;
  if (typeof pollFeed !== 'boolean') throw new TypeError('pollFeed must be a boolean');
  const negativeInKv = options.negativeInKv ?? false;
  if (typeof negativeInKv !== 'boolean') throw new TypeError('negativeInKv must be a boolean');
  const positiveTtlMs = int(
    'positiveTtlMs',
    options.positiveTtlMs,
    DEFAULT_POSITIVE_TTL_MS,
    1,
    MAX_POSITIVE_TTL_MS,
  );
  return {
    record,
    pollFeed,
    coalesce,
    negativeInKv,
    positiveTtlMs,
    l1MaxEntries: int('l1MaxEntries', options.l1MaxEntries, DEFAULT_L1_MAX_ENTRIES, 1, 10_000_000),
    l1TtlMs: int('l1TtlMs', options.l1TtlMs, Math.min(DEFAULT_L1_TTL_MS, positiveTtlMs), 0, positiveTtlMs),
    negativeTtlMs: int(
      'negativeTtlMs',
      options.negativeTtlMs,
      DEFAULT_NEGATIVE_TTL_MS,
      0,
      MAX_POSITIVE_TTL_MS,
    ),
    graceMs: int('graceMs', options.graceMs, 0, 0, MAX_POSITIVE_TTL_MS),
  };
}

function int(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}
