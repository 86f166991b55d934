/**
 * The syntax of Bearer credentials, shared by every room that reads or sends one.
 *
 * @see RFC 6750 section 2.1 (b64token), RFC 9110 sections 5.6.2 (token) and 11.6.2 (credentials)
 * @module
 */

// RFC 6750 section 2.1 b64token (= RFC 9110 token68): the only shape a Bearer token can have.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
// RFC 9110 section 5.6.2 token: the shape of an auth-scheme.
const AUTH_SCHEME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** True when `token` can travel as `Authorization: Bearer <token>` (a non-empty b64token). */
export function isBearerToken(token: string): boolean {
  return B64TOKEN.test(token);
}

/** An `Authorization` header value, classified. */
export type ParsedAuthorization =
  | { readonly kind: 'bearer'; readonly token: string }
  /** A well-formed credential of another scheme (`Basic ...`). */
  | { readonly kind: 'other_scheme' }
  | { readonly kind: 'malformed'; readonly reason: 'bad_scheme' | 'no_token' | 'bad_token' };

/**
 * Classifies an `Authorization` header: `Bearer` in any case (RFC 9110: schemes are
 * case-insensitive), one or more spaces, then exactly one b64token. Two credentials, a scheme
 * alone, or characters outside b64token are malformed; nothing is guessed at.
 *
 * @param value - the header value (a repeated header arrives comma-joined, hence malformed)
 * @example
 * parseAuthorizationHeader('bearer abc.def'); // { kind: 'bearer', token: 'abc.def' }
 * parseAuthorizationHeader('Basic dXNlcg=='); // { kind: 'other_scheme' }
 */
export function parseAuthorizationHeader(value: string): ParsedAuthorization {
  // The canonical form (`Bearer ` then the token, nothing around it) skips the general parse.
  if (value.startsWith('Bearer ') && value.charCodeAt(7) !== 32 && isBearerToken(value.slice(7))) {
    return { kind: 'bearer', token: value.slice(7) };
  }
  const trimmed = value.trim();
  const space = trimmed.indexOf(' ');
  const scheme = space === -1 ? trimmed : trimmed.slice(0, space);
  if (!AUTH_SCHEME.test(scheme)) return { kind: 'malformed', reason: 'bad_scheme' };
  if (scheme.toLowerCase() !== 'bearer') return { kind: 'other_scheme' };
  const token = space === -1 ? '' : trimmed.slice(space + 1).replace(/^ +/, '');
  if (token === '') return { kind: 'malformed', reason: 'no_token' };
  return isBearerToken(token) ? { kind: 'bearer', token } : { kind: 'malformed', reason: 'bad_token' };
}
