/**
 * The session id of a profile whose session is the access token itself (released): derived from
 * the token, so the exchange and every later validation name the same session without Cloud
 * sending an id. A one-way, domain-separated hash: the id reveals nothing of the token and is not
 * the token's cache key.
 *
 * @module
 */
import { base64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/constant-time.js';

const DOMAIN = 'mastra-edge-auth/token-session\u0000';

/** `ts_` + base64url(SHA-256(domain || token)), 46 characters. */
export async function tokenSessionId(token: string): Promise<string> {
  return `ts_${base64url(await sha256(`${DOMAIN}${token}`))}`;
}
