import { isBearerToken, parseAuthorizationHeader } from '../http/authorization.js';
import { getRequestHeader, type HeaderSource } from '../mastra/request.js';
import { MAX_TOKEN_LENGTH } from '../policy/limits.js';
import { readCookie } from './cookies.js';

// `Bearer`, in any case, then one or more spaces (RFC 9110 section 11.4).
const BEARER_PREFIX = /^bearer +/i;

/**
 * The one credential a request presents to this provider.
 *
 * - `bearer`: a token from the `token` argument or the `Authorization` header; it alone decides
 *   (a stale session cookie beside it is ignored, and a refused token does not fall back).
 * - `session`: the session cookie's value (a sealed handle), when no bearer token was given.
 * - `malformed`: an `Authorization` header (or token argument) that is not a Bearer b64token;
 *   never falls back to the cookie.
 * - `none`: nothing to check.
 */
export type ProviderCredential =
  | { kind: 'bearer'; token: string }
  | { kind: 'session'; handle: string }
  | { kind: 'malformed' }
  | { kind: 'none' };

/**
 * Decides which credential to check, synchronously and without I/O.
 *
 * A present but malformed `Authorization` header refuses the request outright. Otherwise the
 * token argument comes first. A Mastra server passes the `Authorization` header minus a
 * literal `Bearer ` (so `bearer x` and `Basic x` arrive whole), or `''` when there is none. When
 * its session refresh path re-authenticates, it passes the session cookie's value as the token:
 * that value is recognised and treated as the cookie, never sent to Cloud as a bearer token.
 *
 * @param token - the token argument of `authenticateToken` (untrusted)
 * @param request - any request shape Mastra hands over (untrusted)
 * @param sessionCookieName - the exact session cookie name
 */
export function readProviderCredential(
  token: unknown,
  request: HeaderSource,
  sessionCookieName: string,
): ProviderCredential {
  const authorization = getRequestHeader(request, 'authorization');
  const header = authorization === null ? null : parseAuthorization(authorization);
  // A malformed header decides alone: neither the token argument (derived from it) nor the cookie.
  if (header !== null && header.kind === 'malformed') return header;
  const handle = readCookie(getRequestHeader(request, 'cookie'), sessionCookieName);
  const argument = typeof token === 'string' ? token.trim() : '';
  if (argument !== '') {
    if (handle !== null && argument === handle) return { kind: 'session', handle };
    return asBearer(argument.replace(BEARER_PREFIX, ''));
  }
  if (header !== null) return header;
  return handle === null ? { kind: 'none' } : { kind: 'session', handle };
}

/** `Bearer` (any case), spaces, one b64token: anything else (another scheme too) is malformed. */
function parseAuthorization(value: string): ProviderCredential {
  const parsed = parseAuthorizationHeader(value);
  return parsed.kind === 'bearer' ? asBearer(parsed.token) : { kind: 'malformed' };
}

function asBearer(token: string): ProviderCredential {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || !isBearerToken(token))
    return { kind: 'malformed' };
  return { kind: 'bearer', token };
}
