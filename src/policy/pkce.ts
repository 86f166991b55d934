/**
 * PKCE syntax (RFC 7636): what a code verifier may look like. Pure; the generation and the S256
 * challenge live with the provider's login flow.
 *
 * @module
 */
/** RFC 7636 section 4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`. */
const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;

/** True when `value` is a syntactically valid PKCE code verifier (RFC 7636 section 4.1). */
export function isValidCodeVerifier(value: unknown): value is string {
  return typeof value === 'string' && VERIFIER_PATTERN.test(value);
}
