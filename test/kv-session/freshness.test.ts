import { describe, expect, it } from 'vitest';
import {
  effectiveExpiry,
  graceAllows,
  isFresh,
  l1FreshUntil,
  positiveExpiry,
} from '../../src/kv-session/freshness.js';

const policy = { positiveTtlMs: 60_000, negativeTtlMs: 10_000 };

describe('freshness policy', () => {
  it('effective expiry is the stored expiry cut by the current TTL', () => {
    expect(effectiveExpiry({ kind: 'ok', storedAt: 0, expiresAt: 30_000 }, policy)).toBe(30_000);
    expect(effectiveExpiry({ kind: 'ok', storedAt: 0, expiresAt: 600_000 }, policy)).toBe(60_000);
    expect(effectiveExpiry({ kind: 'rejected', storedAt: 0, expiresAt: 600_000 }, policy)).toBe(10_000);
  });

  it('fresh strictly before expiry; negative entries never with negative caching off', () => {
    const entry = { kind: 'ok' as const, storedAt: 0, expiresAt: 1_000 };
    expect(isFresh(entry, 999, policy)).toBe(true);
    expect(isFresh(entry, 1_000, policy)).toBe(false);
    expect(isFresh({ ...entry, kind: 'rejected' }, 0, { ...policy, negativeTtlMs: 0 })).toBe(false);
  });

  it('positive expiry is min(now + policy, token expiry), or null when nothing is left', () => {
    expect(positiveExpiry(1_000, 60_000, undefined)).toBe(61_000);
    expect(positiveExpiry(1_000, 60_000, 5_000)).toBe(5_000);
    expect(positiveExpiry(1_000, 60_000, 1_000)).toBeNull();
    expect(positiveExpiry(1_000, 60_000, Number.NaN)).toBeNull();
  });

  it('L1 never outlives the entry', () => {
    expect(l1FreshUntil(0, 5_000, 60_000)).toBe(5_000);
    expect(l1FreshUntil(0, 5_000, 2_000)).toBe(2_000);
  });

  it('grace: off at 0, bounded by graceMs and by the token’s own expiry', () => {
    expect(graceAllows({ expiresAt: 1_000 }, 1_500, 0)).toBe(false);
    expect(graceAllows({ expiresAt: 1_000 }, 1_999, 1_000)).toBe(true);
    expect(graceAllows({ expiresAt: 1_000 }, 2_000, 1_000)).toBe(false);
    expect(graceAllows({ expiresAt: 1_000, tokenExpiresAt: 1_200 }, 1_200, 1_000)).toBe(false);
  });
});
