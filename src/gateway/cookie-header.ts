import { InvalidRequestError } from '../errors/index.js';
import { MAX_COOKIE_BYTES } from '../policy/limits.js';

/** A whole `Cookie` header longer than this is refused (431) before anything looks inside. */
export const MAX_COOKIE_HEADER_LENGTH = 16_384;

// RFC 6265 section 4.1.1 cookie-octet, optionally wrapped in double quotes.
const COOKIE_VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/;

/**
 * Finds the gateway's own cookies in a `Cookie` header, strictly: each may appear at most once
 * and must be a well-formed, bounded cookie value. Other cookies are the app's and are not judged.
 *
 * @param header - the raw `Cookie` header, or null
 * @param names - the gateway's cookie names (case-sensitive, RFC 6265)
 * @returns the values found, by name (quotes removed)
 * @throws InvalidRequestError `invalid_cookie` (400) for a duplicated, garbled or oversized own cookie;
 *   (431) when the whole header is oversized
 */
export function readOwnCookies(header: string | null, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  if (header === null || header === '') return found;
  if (header.length > MAX_COOKIE_HEADER_LENGTH) {
    throw new InvalidRequestError('invalid_cookie', 'The Cookie header is too large.', { status: 431 });
  }
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
    if (!names.includes(name)) continue;
    if (found.has(name)) {
      throw new InvalidRequestError('invalid_cookie', 'A session cookie was sent more than once.');
    }
    const value = eq === -1 ? undefined : pair.slice(eq + 1).trim();
    if (value === undefined || value === '' || value.length > MAX_COOKIE_BYTES || !COOKIE_VALUE.test(value)) {
      throw new InvalidRequestError('invalid_cookie', 'A session cookie is malformed.');
    }
    found.set(name, value.startsWith('"') ? value.slice(1, -1) : value);
  }
  return found;
}

/**
 * Removes the gateway's own cookies from a `Cookie` header before it goes to the runner.
 *
 * @param header - the raw `Cookie` header, or null
 * @param names - the gateway's cookie names
 * @returns the remaining cookies joined by `; `, or null when none remain
 */
export function stripOwnCookies(header: string | null, names: readonly string[]): string | null {
  if (header === null) return null;
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => {
      if (pair === '') return false;
      const eq = pair.indexOf('=');
      return !names.includes((eq === -1 ? pair : pair.slice(0, eq)).trim());
    });
  return kept.length === 0 ? null : kept.join('; ');
}
