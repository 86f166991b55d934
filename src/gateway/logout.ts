import type { RevocationOutcome } from '../provider/index.js';
import type { RouteContext } from './context.js';
import { readOwnCookies } from './cookie-header.js';
import { errorResponse } from './error-response.js';
import { htmlResponse, prefersHtml } from './html.js';
import { publicOriginOf, requirePublicOrigin } from './public-origin.js';
import { jsonResponse } from './responses.js';
import { assertSameOrigin } from './same-origin.js';

/** The gateway's "Signed out" page, where a browser logout ends. */
export const SIGNED_OUT_PATH = '/auth/signed-out';

/**
 * `POST /auth/logout`: refuses cross-site requests (403), revokes the session (Cloud destroy and
 * a revocation mark, through every session provider), clears the cookies. A `fetch` caller gets
 * `{ ok: true, logoutUrl }` (Cloud's logout page, returning to this origin; null without Cloud);
 * a browser form post gets 303 to Cloud's logout page (which returns to the signed-out page), or
 * straight to the signed-out page without Cloud. Without a session it still clears the cookies:
 * logging out is idempotent.
 *
 * @param context - the route context
 * @returns 200 JSON or 303, with the clearing `Set-Cookie` headers
 * @throws InvalidRequestError `cross_site_request` (403), `invalid_cookie` (400)
 */
export async function logout(context: RouteContext): Promise<Response> {
  const { request, url, state } = context;
  assertSameOrigin(
    request,
    publicOriginOf(state.config, url) ?? url.origin,
    state.config.corsOrigins,
    'logout',
  );
  let handle: string | undefined;
  try {
    handle = readOwnCookies(request.headers.get('Cookie'), [state.sessionCookie]).get(state.sessionCookie);
  } catch (error) {
    // A duplicated or garbled session cookie is refused here too, and cleared.
    return errorResponse(error, {
      request,
      onError: context.onError,
      cookies: state.auth.getClearSessionCookies(),
    });
  }
  // Revocation failures (Cloud or KV down) are reported by the provider, never thrown: the
  // session is still revoked in this isolate and the cookie is cleared. The answer says where
  // the revocation stands, and never claims one KV did not store.
  let revocation: RevocationOutcome = 'none';
  if (handle !== undefined) {
    if (state.cloud !== undefined) {
      revocation = await state.cloud.endSession(handle, { waitUntil: context.waitUntil });
    } else await state.auth.destroySession(handle);
  }
  const browser = prefersHtml(request);
  const origin =
    state.cloud === undefined
      ? (publicOriginOf(state.config, url) ?? url.origin)
      : requirePublicOrigin(state.config, url);
  const logoutUrl = await state.auth.getLogoutUrl(`${origin}${browser ? SIGNED_OUT_PATH : '/'}`);
  const cookies = state.auth.getClearSessionCookies();
  if (browser) {
    const headers = new Headers({ Location: logoutUrl ?? SIGNED_OUT_PATH, 'Cache-Control': 'no-store' });
    for (const cookie of cookies) headers.append('Set-Cookie', cookie);
    return new Response(null, { status: 303, headers });
  }
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
 * `GET /auth/signed-out`: "Signed out", with a "Sign in" button.
 *
 * @returns the page
 */
export async function signedOut(): Promise<Response> {
  return htmlResponse(200, {
    title: 'Signed out',
    message: 'You are signed out.',
    link: { href: '/auth/login', text: 'Sign in' },
    button: true,
  });
}
