import { base64url, randomBase64url } from '../crypto/base64url.js';
import { sha256 } from '../crypto/constant-time.js';
import { isValidCodeVerifier } from '../policy/pkce.js';

/** A PKCE verifier and its S256 challenge (RFC 7636). */
export interface PkcePair {
  /** 43 base64url characters (32 random bytes); kept secret in the sealed flow cookie. */
  verifier: string;
  /** `BASE64URL(SHA-256(verifier))`, sent to Cloud in the login URL. */
  challenge: string;
  method: 'S256';
}

/**
 * Creates a fresh PKCE pair: 32 random bytes as a base64url verifier and its S256 challenge.
 *
 * @returns the verifier, the challenge and the method (`S256`)
 * @example
 * const { verifier, challenge } = await createPkcePair();
 * @see RFC 7636 section 4.1, 4.2
 */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomBase64url(32);
  return { verifier, challenge: await computeS256Challenge(verifier), method: 'S256' };
}

/**
 * Computes the S256 code challenge of a verifier: `BASE64URL(SHA-256(ASCII(verifier)))`.
 *
 * @param verifier - an RFC 7636 code verifier
 * @returns the base64url challenge, without padding
 * @throws TypeError (`ERR_INVALID_ARG_VALUE`) when `verifier` is not a valid code verifier
 * @example
 * await computeS256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
 * // 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
 * @see RFC 7636 section 4.2, Appendix B
 */
export async function computeS256Challenge(verifier: string): Promise<string> {
  if (!isValidCodeVerifier(verifier)) {
    throw Object.assign(new TypeError('verifier must be 43 to 128 characters of [A-Za-z0-9-._~]'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  return base64url(await sha256(verifier));
}
