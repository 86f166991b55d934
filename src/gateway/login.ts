import { InvalidRequestError } from '../errors/index.js';
import { MAX_STATE_LENGTH } from '../policy/limits.js';
import { newStateId } from '../policy/login-state.js';
import { MAX_RETURN_TO_LENGTH } from '../policy/return-to.js';
import type { RouteContext } from './context.js';
import { notFoundResponse } from './error-response.js';
import { requirePublicOrigin } from './public-origin.js';
import { singleParam } from './query.js';
import { redirectResponse } from './responses.js';
import { requireReturnTo } from './return-to.js';

/** The callback path the gateway serves (the default `MASTRA_CLOUD_CALLBACK_URL` is this on the request's origin). */
export const CALLBACK_PATH = '/auth/callback';

/**
 * `GET /auth/login?returnTo=/path`: starts the PKCE flow and sends the browser to Cloud's login
 * page, with the sealed per-flow cookie. The return path travels in the sealed cookie (and, as
 * Mastra does, after a `|` in `state`).
 *
 * @param context - the route context
 * @returns 302 to Cloud with the flow cookie; 404 when Cloud login is not configured
 * @throws InvalidRequestError `invalid_redirect` (400) for a repeated, malformed or off-site `returnTo`
 */
export async function login(context: RouteContext): Promise<Response> {
  const { cloud, config } = context.state;
  if (cloud === undefined) return notFoundResponse('Sign-in with Mastra Cloud is not configured.');
  const returnTo = requireReturnTo(
    singleParam(context.url, 'returnTo', {
      required: false,
      maxLength: MAX_RETURN_TO_LENGTH,
      code: 'invalid_redirect',
    }),
  );
  // Never the request's Host: a forged one would steer the code to another site.
  const redirectUri =
    config.cloud?.callbackUrl ?? `${requirePublicOrigin(config, context.url)}${CALLBACK_PATH}`;
  const state = `${newStateId()}|${encodeURIComponent(returnTo)}`;
  if (state.length > MAX_STATE_LENGTH) {
    throw new InvalidRequestError('invalid_redirect', 'returnTo is too long.');
  }
  const location = await cloud.getLoginUrl(redirectUri, state);
  return redirectResponse(location, cloud.getLoginCookies(redirectUri, state) ?? []);
}
