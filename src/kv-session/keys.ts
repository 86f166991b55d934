import { hashToken, isTokenHash } from './hash.js';

/**
 * Every storage key this package writes is built here. Prefixes are stable across versions (a
 * deployment upgrading in place keeps reading its records), and the part after the prefix is
 * always a {@link hashToken} hash: raw tokens and session ids never appear in a key.
 *
 * - `verify:` verify-cache entry for a token
 * - `perm:` permission-cache entry for a token
 * - `revoked:` revocation mark for a token
 * - `session:` server-side session record, keyed by the hash of the session id
 * - `used-state:` a login state already redeemed, keyed by the hash of the state id
 */
export const KEY_PREFIXES = {
  verify: 'verify:',
  perm: 'perm:',
  revoked: 'revoked:',
  session: 'session:',
  'used-state': 'used-state:',
} as const;

/** The kinds of record stored, one per key prefix. */
export type RecordKind = keyof typeof KEY_PREFIXES;

/**
 * Builds the storage key of a record from an already computed hash.
 *
 * @param kind - the record kind (selects the prefix).
 * @param hash - a {@link hashToken} result.
 * @returns `<prefix><hash>`.
 * @throws TypeError when `hash` is not a token hash (a raw token must never become a key).
 */
export function storageKey(kind: RecordKind, hash: string): string {
  if (!isTokenHash(hash)) throw new TypeError('hash must be a hashToken() result (43 base64url characters)');
  return `${KEY_PREFIXES[kind]}${hash}`;
}

/**
 * Hashes `secret` (a token or session id) and builds the storage key of its record.
 *
 * @param kind - the record kind.
 * @param secret - the raw token or session id.
 * @returns `<prefix><base64url(SHA-256(secret))>`.
 * @throws TypeError when `secret` is not a non-empty string.
 */
export async function storageKeyFor(kind: RecordKind, secret: string): Promise<string> {
  return storageKey(kind, await hashToken(secret));
}
