/**
 * Workers KV limits and the numbers derived from them. Every KV-facing rule in this room reads
 * its number from here, so a change to a platform limit is a one-line change.
 *
 * @module
 */

/**
 * KV rejects `expirationTtl` below 60 s with a 400 ("Expiration TTL must be at least 60"), so a
 * short-lived record cannot rely on KV's TTL: its logical expiry lives inside the value and the
 * KV TTL is only clean-up.
 */
export const KV_MIN_TTL_SECONDS = 60;

/**
 * Added to every clean-up TTL so KV never drops a record before its logical expiry (whole-second
 * rounding, a write that reaches KV a little late). Losing a record early would only cost a Cloud
 * call, but it would also make the documented windows depend on KV's eviction timing.
 */
export const KV_TTL_MARGIN_SECONDS = 10;

/**
 * KV accepts at most one write per second to the same key and answers a faster second write with
 * 429. The write guard never issues two writes of a key from one isolate within this interval.
 */
export const KV_WRITE_INTERVAL_MS = 1_000;

/**
 * KV is eventually consistent: a write is visible at once where it was made, and elsewhere after
 * up to about 60 s (the edge cache of a read). A revocation mark written in one location is
 * therefore refused in other locations within this window plus the L1 TTL.
 */
export const KV_PROPAGATION_WINDOW_MS = 60_000;

/** KV keys are limited to 512 bytes; ours are a short prefix plus a 43-character hash. */
export const KV_MAX_KEY_BYTES = 512;

/**
 * Largest value this room writes or parses. Our records are a few hundred bytes; refusing to
 * parse anything larger keeps a corrupt or hostile entry from costing a large `JSON.parse`.
 */
export const MAX_ENTRY_CHARS = 64 * 1024;

/** Default verify-cache lifetime of a positive answer: a token revoked at Cloud is refused within it. */
export const DEFAULT_POSITIVE_TTL_MS = 60_000;

/** Upper bound accepted for `positiveTtlMs`; revocation marks always outlive it (see below). */
export const MAX_POSITIVE_TTL_MS = 60 * 60_000;

/** Default lifetime of a cached definitive "no" (invalid token). */
export const DEFAULT_NEGATIVE_TTL_MS = 10_000;

/** Default L1 (per-isolate) lifetime: L1 hits skip KV, so this bounds how stale another isolate can be. */
export const DEFAULT_L1_TTL_MS = 5_000;

/** Default L1 bound: about a few MB of small user records per isolate at most. */
export const DEFAULT_L1_MAX_ENTRIES = 10_000;

/**
 * The documented revocation window with default settings: a token revoked in one isolate is
 * refused in every other isolate and location at most this long afterwards (KV propagation, then
 * at most one L1 lifetime of an answer read just before the mark arrived). In the revoking
 * isolate it is refused at once. With another `l1TtlMs` the window is 60 s + `l1TtlMs`.
 */
export const REVOCATION_WINDOW_MS = KV_PROPAGATION_WINDOW_MS + DEFAULT_L1_TTL_MS;

/**
 * Default lifetime of a revocation mark when the caller does not know the token's expiry. It only
 * has to outlive every cached positive answer (at most {@link MAX_POSITIVE_TTL_MS} plus grace) and,
 * when Cloud could not be told about the logout, the token itself; pass `until` when known.
 */
export const DEFAULT_REVOCATION_TTL_MS = 24 * 60 * 60_000;

/** A revocation mark never lives shorter than this, whatever `until` says (see `DEFAULT_REVOCATION_TTL_MS`). */
export const MIN_REVOCATION_TTL_MS = 2 * MAX_POSITIVE_TTL_MS;

/**
 * Clean-up TTL in seconds for a record whose logical life ends `remainingMs` from now: never below
 * KV's floor, always a margin past the logical expiry.
 *
 * @param remainingMs - milliseconds until the record's logical expiry (may be 0 or negative).
 * @returns a whole number of seconds, at least `KV_MIN_TTL_SECONDS + KV_TTL_MARGIN_SECONDS`.
 */
export function cleanupTtlSeconds(remainingMs: number): number {
  const logical = Number.isFinite(remainingMs) ? Math.ceil(Math.max(0, remainingMs) / 1000) : 0;
  return Math.max(logical, KV_MIN_TTL_SECONDS) + KV_TTL_MARGIN_SECONDS;
}
