import { authenticate, credentialToken, requestCredential } from './authenticate.js';
import type { RouteContext } from './context.js';
import { badGatewayResponse, challengeResponse, errorResponse, forbiddenResponse } from './error-response.js';
import type { ForwardedUser } from './identity.js';
import { buildUpstreamRequest, sendUpstream } from './proxy.js';
import { isPublicPath } from './public-paths.js';

/**
 * Every request outside `/auth/*`: public paths go to the runner without identity; everything
 * else is authenticated first. Unauthenticated: 302 to login for a browser navigation, else 401
 * with a `Bearer` challenge. Nothing malformed or unauthenticated ever reaches the runner.
 *
 * @param context - the route context
 * @returns the runner's response, or the gateway's refusal
 * @throws InvalidRequestError for a malformed credential (the router answers 4xx)
 */
export async function forward(context: RouteContext): Promise<Response> {
  const { request, url, state } = context;
  if (isPublicPath(state.config.publicPaths, url.pathname)) return send(context, null);
  const credential = requestCredential(request, state);
  let outcome: Awaited<ReturnType<typeof authenticate>>;
  try {
    outcome = await authenticate(request, credential, state);
  } catch (error) {
    return errorResponse(error, { request, token: credentialToken(credential), onError: context.onError });
  }
  switch (outcome.kind) {
    case 'user':
      return send(context, outcome.user);
    case 'forbidden':
      return forbiddenResponse();
    case 'anonymous':
      return challengeResponse(request, {
        // A refused token is an API client's problem: a login page would not fix it.
        loginAvailable: state.cloud !== undefined && credential.kind !== 'token',
        // A session cookie that no longer opens (expired, revoked, old secret) is cleared.
        cookies: credential.kind === 'session' ? state.auth.getClearSessionCookies() : [],
      });
  }
}

async function send(context: RouteContext, user: ForwardedUser | null): Promise<Response> {
  const { request, state } = context;
  const upstream = state.config.upstream;
  const upstreamRequest = buildUpstreamRequest(request, { upstream, user, ownCookieNames: state.ownCookies });
  try {
    return await sendUpstream(upstreamRequest, upstream, context.fetch);
  } catch (error) {
    return badGatewayResponse(error, { request, onError: context.onError });
  }
}
