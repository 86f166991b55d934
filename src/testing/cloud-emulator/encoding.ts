/** Byte helpers of the emulator: base64url, random opaque values, PKCE S256. */

const encoder = new TextEncoder();

/** Base64url without padding (RFC 4648 section 5). */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random opaque value: `bytes` random bytes, base64url-encoded. */
export function randomId(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(ASCII(verifier))) (RFC 7636 section 4.2). */
export async function s256(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(verifier))));
}

/** An S256 challenge: exactly 43 base64url characters (a 32-byte digest). */
export const CODE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** A code verifier: 43 to 128 unreserved characters (RFC 7636 section 4.1). */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** Constant-time comparison of two ASCII strings. */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
