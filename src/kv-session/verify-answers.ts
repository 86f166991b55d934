import { CloudApiError, EdgeAuthError } from '../errors/index.js';
import { decodeVerifyEntry, isErrorCode, type NegativeEntry, type PositiveEntry } from './codec.js';

/**
 * Cached answers of the verify cache and the errors they re-raise: a definitive "no" comes back
 * as a `CloudApiError` with the original status and code, a revocation as 401 `token_revoked`.
 */

/** `code` of the error thrown for a revoked token (a `CloudApiError`, status 401, family `rejected`). */
export const TOKEN_REVOKED_CODE = 'token_revoked';

/** A cached answer: a typed positive entry, or a negative one. */
export type Answer<V> = (Omit<PositiveEntry, 'value'> & { value: V }) | NegativeEntry;

/** The error a revoked token gets, at every tier. */
export function revokedError(): CloudApiError {
  return new CloudApiError('The token has been revoked', { status: 401, code: TOKEN_REVOKED_CODE });
}

/** The error a cached rejection re-raises. */
export function cachedRejection(entry: NegativeEntry): CloudApiError {
  return new CloudApiError('The token was rejected (cached answer)', {
    status: entry.status,
    code: entry.code,
  });
}

/**
 * The negative entry for a loader error, or `null` when it must not be cached: only our own
 * errors whose status and code re-raise as a rejection (a 4xx, never 408 or 429).
 */
export function negativeEntryFor(error: unknown, now: number, ttlMs: number): NegativeEntry | null {
  if (!(error instanceof EdgeAuthError)) return null;
  const entry: NegativeEntry = {
    kind: 'rejected',
    status: error.status,
    storedAt: now,
    expiresAt: now + ttlMs,
  };
  if ('code' in error && isErrorCode(error.code)) entry.code = error.code;
  return cachedRejection(entry).family === 'rejected' ? entry : null;
}

/**
 * Decodes a stored entry and types its value with `validate` (which may throw).
 *
 * @returns the answer, or `null` when the entry is corrupt, fails `validate`, or is a "rejection"
 *   that would not re-raise as one.
 */
export function decodeAnswer<V>(raw: string, validate: (value: unknown) => V | null): Answer<V> | null {
  const entry = decodeVerifyEntry(raw);
  if (!entry) return null;
  if (entry.kind === 'rejected') return cachedRejection(entry).family === 'rejected' ? entry : null;
  let value: V | null;
  try {
    value = validate(entry.value);
  } catch {
    return null;
  }
  return value === null ? null : { ...entry, value };
}
