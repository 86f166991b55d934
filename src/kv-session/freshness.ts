import type { VerifyEntry } from './codec.js';

/**
 * Pure freshness policy of the verify cache: no I/O, no clock of its own. Every time is integer
 * milliseconds since the epoch.
 */

/** The lifetimes in force (the current configuration, not the one an entry was written under). */
export interface FreshnessPolicy {
  positiveTtlMs: number;
  negativeTtlMs: number;
}

/**
 * When a cached answer stops being good: its stored logical expiry, cut short by the current policy
 * (so lowering a TTL takes effect on entries written before the change).
 */
export function effectiveExpiry(
  entry: Pick<VerifyEntry, 'kind' | 'storedAt' | 'expiresAt'>,
  policy: FreshnessPolicy,
): number {
  const ttl = entry.kind === 'ok' ? policy.positiveTtlMs : policy.negativeTtlMs;
  return Math.min(entry.expiresAt, entry.storedAt + ttl);
}

/** True while the entry may be served. Negative entries are never served when negative caching is off. */
export function isFresh(
  entry: Pick<VerifyEntry, 'kind' | 'storedAt' | 'expiresAt'>,
  now: number,
  policy: FreshnessPolicy,
): boolean {
  if (entry.kind === 'rejected' && policy.negativeTtlMs === 0) return false;
  return now < effectiveExpiry(entry, policy);
}

/**
 * Logical expiry of a new positive answer: min(now + policy, the token's own expiry).
 *
 * @returns `null` when there is nothing to cache (the token expires now or earlier, or its expiry is not a valid time).
 */
export function positiveExpiry(
  now: number,
  positiveTtlMs: number,
  tokenExpiresAt: number | undefined,
): number | null {
  if (tokenExpiresAt !== undefined && !Number.isFinite(tokenExpiresAt)) return null;
  const expiresAt = Math.floor(Math.min(now + positiveTtlMs, tokenExpiresAt ?? Number.POSITIVE_INFINITY));
  return expiresAt > now ? expiresAt : null;
}

/** How long an L1 copy of an entry is served: the L1 TTL, never past the entry's own expiry. */
export function l1FreshUntil(now: number, l1TtlMs: number, expiry: number): number {
  return Math.min(now + l1TtlMs, expiry);
}

/**
 * Whether a positive answer that is no longer fresh may still be served while the loader is
 * unavailable: within `graceMs` of its logical expiry, and never past the token's own expiry.
 */
export function graceAllows(
  entry: { expiresAt: number; tokenExpiresAt?: number | undefined },
  now: number,
  graceMs: number,
): boolean {
  if (graceMs <= 0) return false;
  if (entry.tokenExpiresAt !== undefined && now >= entry.tokenExpiresAt) return false;
  return now < entry.expiresAt + graceMs;
}
