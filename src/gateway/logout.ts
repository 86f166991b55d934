import { InvalidRequestError } from '../errors/index.js';
import type { RevocationOutcome } from '../provider/index.js';
import type { RouteContext } from './context.js';
import { readOwnCookies } from './cookie-header.js';
import { jsonResponse } from './responses.js';

/**
 * `POST /auth/logout`: refuses cross-site requests (403), revokes the session (Cloud destroy and
 * a revocation mark, through every session provider), clears the cookies and answers
 * `{ ok: true, logoutUrl }` (Cloud's logout page, returning to this origin; null without Cloud).
 * Without a session it still clears the cookies: logging out is idempotent.
 *
 * @param context - the route context
 * @returns 200 JSON with the clearing `Set-Cookie` headers
 * @throws InvalidRequestError `cross_site_request` (403), `invalid_cookie` (400)
 */
export async function logout(context: RouteContext): Promise<Response> {
  const { request, url, state } = context;
  assertSameOrigin(request, url);
  const handle = readOwnCookies(request.headers.get('Cookie'), [state.sessionCookie]).get(
    state.sessionCookie,
  );
  // Revocation failures (Cloud or KV down) are reported by the provider, never thrown: the
  // session is still revoked in this isolate and the cookie is cleared. The answer says where
  // the revocation stands, and never claims one KV did not store.
  let revocation: RevocationOutcome = 'none';
  if (handle !== undefined) {
    if (state.cloud !== undefined)
      revocation = await state.cloud.endSession(handle, { waitUntil: context.waitUntil });
    else await state.auth.destroySession(handle);
  }
  const logoutUrl = await state.auth.getLogoutUrl(`${url.origin}/`);
  const cookies = state.auth.getClearSessionCookies();
  if (revocation === 'pending') {
    // Accepted, not finished: signed out here; elsewhere once the retried write lands.
    return jsonResponse(
      202,
      {
        ok: true,
        logoutUrl,
        revocation,
        message: 'Signed out here. The revocation could not be stored yet and is being retried.',
      },
      { cookies },
    );
  }
  return jsonResponse(200, { ok: true, logoutUrl, revocation }, { cookies });
}

/**
 * Refuses a request another site made: an `Origin` other than ours, or `Sec-Fetch-Site` other
 * than `same-origin` / `none` (RFC 6454; Fetch Metadata).
 *
 * @param request - the incoming request
 * @param url - its parsed URL
 * @throws InvalidRequestError `cross_site_request` (403)
 */
export function assertSameOrigin(request: Request, url: URL): void {
  const origin = request.headers.get('Origin');
  const site = request.headers.get('Sec-Fetch-Site');
  if (
    (origin !== null && origin !== url.origin) ||
    (site !== null && site !== 'same-origin' && site !== 'none')
  ) {
    throw new InvalidRequestError('cross_site_request', 'Cross-site logout is not allowed.', { status: 403 });
  }
}
