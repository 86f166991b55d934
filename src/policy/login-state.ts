/**
 * The login `state`: its random id (the part bound to the flow cookie) and that id's syntax, one
 * generator for the gateway's `/auth/login` and the provider's `getLoginUrl`.
 *
 * @module
 */
import { randomBase64url } from '../crypto/base64url.js';

/** The id part of a `state`: base64url, at least 16 characters (the generator makes 43: 256 bits). */
export const STATE_ID_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** A fresh state id: 32 random bytes, base64url. */
export function newStateId(): string {
  return randomBase64url(32);
}
