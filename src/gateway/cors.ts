/**
 * CORS for single-page apps on other origins (`CORS_ORIGINS`): exact origins only, always with
 * credentials, never `*`. Preflights from an allowed origin are answered by the gateway without
 * authentication (a browser sends no credentials on them); every answer to an allowed origin,
 * refusals included, carries the CORS headers so the app can read the 401 or 503. Other origins
 * get none.
 *
 * @module
 */
import { appendVary } from './response-headers.js';

const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After';
const PREFLIGHT_MAX_AGE_SECONDS = '600';
// RFC 9110 field names, comma-separated; anything else is not echoed back.
const HEADER_LIST = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:\s*,\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The answer to a CORS preflight from an allowed origin, or null when the request is not one
 * (it then goes through the usual routes, and a preflight from another origin gets no CORS).
 *
 * @param request - the incoming request
 * @param allowed - `CORS_ORIGINS`
 * @returns 204 with the CORS headers, or null
 */
export function preflightResponse(request: Request, allowed: readonly string[]): Response | null {
  if (request.method !== 'OPTIONS') return null;
  const origin = request.headers.get('Origin');
  const method = request.headers.get('Access-Control-Request-Method');
  if (origin === null || method === null || !allowed.includes(origin) || !METHOD.test(method)) return null;
  const headers = new Headers({
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Credentials': 'true',
    'Access-Control-Allow-Methods': ALLOWED_METHODS,
    'Access-Control-Max-Age': PREFLIGHT_MAX_AGE_SECONDS,
    'Cache-Control': 'no-store',
    Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
  });
  const requested = request.headers.get('Access-Control-Request-Headers');
  if (requested !== null && requested.length <= 2048 && HEADER_LIST.test(requested.trim())) {
    headers.set('Access-Control-Allow-Headers', requested.trim());
  }
  return new Response(null, { status: 204, headers });
}

/**
 * A response with the CORS headers for an allowed origin; for any other origin, the runner's
 * own CORS headers are removed (the allow-list is the gateway's to decide). `Vary: Origin`
 * either way.
 *
 * @param response - any answer (the runner's headers may be immutable: a copy is made)
 * @param request - the incoming request
 * @param allowed - `CORS_ORIGINS` (non-empty)
 * @returns the response to send
 */
export function withCors(response: Response, request: Request, allowed: readonly string[]): Response {
  if (response.status < 200) return response;
  const copy = new Response(response.body, response);
  const headers = copy.headers;
  const origin = request.headers.get('Origin');
  const names: string[] = [];
  headers.forEach((_value, name) => {
    if (name.toLowerCase().startsWith('access-control-')) names.push(name);
  });
  for (const name of names) headers.delete(name);
  if (origin !== null && allowed.includes(origin)) {
    headers.set('Access-Control-Allow-Origin', origin);
    headers.set('Access-Control-Allow-Credentials', 'true');
    headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  }
  appendVary(headers, ['Origin']);
  return copy;
}
