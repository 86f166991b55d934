import { stringifySetCookie } from 'cookie';
import { type CookieKind, DEV_COOKIE_NAMES, SECURE_COOKIE_NAMES } from '../policy/cookie-names.js';
import { MAX_COOKIE_BYTES } from '../policy/limits.js';

/** Browsers cap `Max-Age` at 400 days (RFC 6265bis); we refuse more rather than be silently cut. */
const MAX_AGE_LIMIT_SECONDS = 400 * 24 * 3600;

/** RFC 6265 section 4.1.1 `cookie-octet`: no CTLs, whitespace, DQUOTE, comma, semicolon or backslash. */
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

type HostPrefixed = `__Host-${string}`;
type SecurePrefixed = `__Secure-${string}`;

/**
 * Set-Cookie attributes. The prefix rules are enforced by the type (as in hono's
 * `CookieConstraint`) and again at runtime: `__Host-` needs `secure: true`, `path: '/'` and no
 * domain; `__Secure-` needs `secure: true`.
 */
export type CookieOptions<N extends string> = {
  /** Seconds; `0` deletes the cookie. */
  maxAge?: number;
} & (N extends HostPrefixed
  ? { secure: true; path: '/'; domain?: undefined }
  : N extends SecurePrefixed
    ? { secure: true; path?: string; domain?: string }
    : { secure: boolean; path?: string; domain?: string });

/**
 * Serializes one `Set-Cookie` value with `HttpOnly` and `SameSite=Lax`.
 *
 * @param name - the cookie name
 * @param value - cookie octets only (RFC 6265 section 4.1.1); never URL-encoded here
 * @param options - `secure`, `path` (default `/`), `domain`, `maxAge`
 * @returns the header value for one `Set-Cookie` header (append it, never comma-join)
 * @throws TypeError when a prefix rule is broken or the value has characters a cookie cannot carry
 * @throws RangeError when name plus value exceed {@link MAX_COOKIE_BYTES} or `maxAge` is out of range
 * @example
 * serializeCookie('__Host-mastra_session', sealed, { secure: true, path: '/', maxAge: 3600 });
 */
export function serializeCookie<N extends string>(name: N, value: string, options: CookieOptions<N>): string {
  const path = options.path ?? '/';
  if (
    name.startsWith('__Host-') &&
    (options.secure !== true || path !== '/' || options.domain !== undefined)
  ) {
    throw new TypeError(`a __Host- cookie must be Secure, Path=/ and have no Domain (${name})`);
  }
  if (name.startsWith('__Secure-') && options.secure !== true) {
    throw new TypeError(`a __Secure- cookie must be Secure (${name})`);
  }
  if (!COOKIE_OCTETS.test(value))
    throw new TypeError(`cookie value has characters a cookie cannot carry (${name})`);
  if (name.length + 1 + value.length > MAX_COOKIE_BYTES) {
    throw new RangeError(`cookie ${name} would exceed ${MAX_COOKIE_BYTES} bytes`);
  }
  const maxAge = options.maxAge;
  if (
    maxAge !== undefined &&
    (!Number.isSafeInteger(maxAge) || maxAge < 0 || maxAge > MAX_AGE_LIMIT_SECONDS)
  ) {
    throw new RangeError(`cookie maxAge must be an integer from 0 to ${MAX_AGE_LIMIT_SECONDS}`);
  }
  return stringifySetCookie(
    {
      name,
      value,
      path,
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secure,
      ...(options.domain !== undefined && { domain: options.domain }),
      ...(maxAge !== undefined && { maxAge }),
      ...(maxAge === 0 && { expires: new Date(0) }),
    },
    // The value is already checked against cookie-octet: keep it byte for byte.
    { encode: (s) => s },
  );
}

/**
 * A `Set-Cookie` value for one of the provider's cookies (`__Host-` in production).
 *
 * @param kind - `session` or `login`
 * @param value - the sealed value
 * @param maxAge - lifetime in seconds
 * @param secure - `false` only in dev mode
 * @throws RangeError when the cookie would be larger than {@link MAX_COOKIE_BYTES}
 */
export function providerCookie(kind: CookieKind, value: string, maxAge: number, secure: boolean): string {
  return secure
    ? serializeCookie(SECURE_COOKIE_NAMES[kind], value, { secure: true, path: '/', maxAge })
    : serializeCookie(DEV_COOKIE_NAMES[kind], value, { secure: false, path: '/', maxAge });
}

/**
 * A `Set-Cookie` value that deletes one of the provider's cookies (`Max-Age=0`, same attributes).
 *
 * @param kind - `session` or `login`
 * @param secure - `false` only in dev mode
 */
export function clearProviderCookie(kind: CookieKind, secure: boolean): string {
  return providerCookie(kind, '', 0, secure);
}

/**
 * Reads one cookie by its exact (case-sensitive) name from a `Cookie` header. A cookie that is
 * sent twice (an attacker-planted duplicate, or one from a parent domain), is empty, too large,
 * or holds characters outside RFC 6265 cookie-octets counts as absent.
 *
 * @param cookieHeader - the request's `Cookie` header (untrusted), or null
 * @param name - the exact cookie name
 * @returns the value, or `null`
 * @example
 * readCookie('a=1; __Host-mastra_session=abc', '__Host-mastra_session'); // 'abc'
 */
export function readCookie(cookieHeader: string | null | undefined, name: string): string | null {
  if (typeof cookieHeader !== 'string' || cookieHeader.length === 0) return null;
  let found: string | null = null;
  let count = 0;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    count += 1;
    found = pair.slice(eq + 1).trim();
  }
  if (count !== 1 || found === null || found.length === 0) return null;
  if (name.length + 1 + found.length > MAX_COOKIE_BYTES || !COOKIE_OCTETS.test(found)) return null;
  return found;
}
