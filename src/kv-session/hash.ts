import { base64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/constant-time.js';

/** Shape of a {@link hashToken} result: 43 base64url characters (256 bits, no padding). */
export const TOKEN_HASH_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Hashes a token (or any secret identifier) for use in storage keys and records.
 *
 * Import from `mastra-edge-auth/kv-session`.
 *
 * @param token - the raw token; never stored, logged or returned.
 * @returns base64url (no padding) of SHA-256 over the token's UTF-8 bytes, 43 characters.
 * @throws TypeError when `token` is not a non-empty string.
 * @example
 * ```ts
 * const id = await hashToken(token); // e.g. 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'
 * ```
 */
export async function hashToken(token: string): Promise<string> {
  if (typeof token !== 'string' || token.length === 0) {
    throw new TypeError('token must be a non-empty string');
  }
  return base64url(await sha256(token));
}

/** True when `value` has the shape of a {@link hashToken} result. */
export function isTokenHash(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_HASH_PATTERN.test(value);
}
