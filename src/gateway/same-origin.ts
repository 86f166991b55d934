import { InvalidRequestError } from '../errors/index.js';

/** Methods a browser may send cross-site without a preflight changing anything (RFC 9110 "safe"). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a method changes state (POST, PUT, PATCH, DELETE and anything unknown).
 *
 * @param method - the request method
 */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Refuses a request another site made: an `Origin` other than ours, or `Sec-Fetch-Site` other
 * than `same-origin` / `none` (RFC 6454; Fetch Metadata). An origin in `CORS_ORIGINS` is trusted.
 *
 * @param request - the incoming request
 * @param origin - the gateway's public origin
 * @param allowed - `CORS_ORIGINS`
 * @param what - what is refused, for the message ("logout", "request")
 * @throws InvalidRequestError `cross_site_request` (403)
 */
export function assertSameOrigin(
  request: Request,
  origin: string,
  allowed: readonly string[],
  what = 'request',
): void {
  const sent = request.headers.get('Origin');
  if (sent !== null && allowed.includes(sent)) return;
  const site = request.headers.get('Sec-Fetch-Site');
  if ((sent !== null && sent !== origin) || (site !== null && site !== 'same-origin' && site !== 'none')) {
    throw new InvalidRequestError('cross_site_request', `Cross-site ${what} is not allowed.`, {
      status: 403,
    });
  }
}
