/** Longest post-login path accepted; anything longer is refused rather than truncated. */
export const MAX_RETURN_TO_LENGTH = 2048;

/** RFC 3986 path, query and fragment characters (percent-escapes included); no `\`, spaces or CTLs. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?#%]*$/;

/** How many rounds of percent-decoding are checked (catches `%252F%252F` style double encoding). */
const DECODE_ROUNDS = 3;

const ESCAPE = /%[0-9A-Fa-f]{2}/;

const ORIGIN_PROBE = 'https://return-to.invalid';

/**
 * True when `value` is a same-origin path that is safe to redirect to after login: it starts
 * with a single `/`, has no backslash, control character or whitespace, and no percent-decoded
 * form of it starts with `//` or `/\` or holds a backslash or control character.
 *
 * @param value - the requested post-login path (untrusted)
 * @returns whether a redirect to it stays on this origin
 * @example
 * isSafeReturnTo('/agents?tab=1'); // true
 * isSafeReturnTo('//evil.example'); // false
 * isSafeReturnTo('/%2F%2Fevil.example'); // false
 */
export function isSafeReturnTo(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) return false;
  if (!PATH_CHARS.test(value)) return false;
  let current = value;
  for (let round = 0; round <= DECODE_ROUNDS; round++) {
    if (!isPlainPath(current)) return false;
    if (!ESCAPE.test(current)) return sameOrigin(value);
    try {
      current = decodeURIComponent(current);
    } catch {
      return false;
    }
  }
  // Still escaped after every round: more layers of encoding than any real link has.
  return false;
}

/**
 * Returns `value` when it is a safe same-origin path ({@link isSafeReturnTo}), else `fallback`.
 *
 * @param value - the requested post-login path (untrusted)
 * @param fallback - where to go instead (default `/`)
 */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  return isSafeReturnTo(value) ? value : fallback;
}

function isPlainPath(path: string): boolean {
  if (!path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  return !/[\\\u0000-\u001f\u007f]/.test(path);
}

/** Belt and braces: the WHATWG URL parser must agree that the path stays on the origin. */
function sameOrigin(path: string): boolean {
  try {
    return new URL(path, ORIGIN_PROBE).origin === ORIGIN_PROBE;
  } catch {
    return false;
  }
}
