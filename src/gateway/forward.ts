import { authenticate, credentialToken, requestCredential } from './authenticate.js';
import type { RouteContext } from './context.js';
import { badGatewayResponse, challengeResponse, errorResponse, forbiddenResponse } from './error-response.js';
import type { ForwardedUser } from './identity.js';
import { buildUpstreamRequest, sendUpstream } from './proxy.js';
import { isPublicPath } from './public-paths.js';
import { jsonResponse } from './responses.js';
import { requiredPermissions } from './route-permissions.js';
import type { GatewayState } from './state.js';

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
  const required = requiredPermissions(state.routePermissions, request.method, url.pathname);
  if (required.length === 0 && isPublicPath(state.config.publicPaths, url.pathname))
    return send(context, null);
  const credential = requestCredential(request, state);
  let outcome: Awaited<ReturnType<typeof authenticate>>;
  try {
    outcome = await authenticate(request, credential, state);
  } catch (error) {
    return errorResponse(error, { request, token: credentialToken(credential), onError: context.onError });
  }
  switch (outcome.kind) {
    case 'user': {
      if (required.length > 0) {
        let missing: readonly string[] | undefined;
        try {
          missing = await firstMissing(state, outcome.principal, required);
        } catch (error) {
          return errorResponse(error, {
            request,
            token: credentialToken(credential),
            onError: context.onError,
          });
        }
        if (missing !== undefined) return missingPermissionResponse(missing);
      }
      if (outcome.refreshHandle === null) return send(context, outcome.user);
      const [response, cookies] = await Promise.all([
        send(context, outcome.user),
        slideSessionCookie(context, outcome.refreshHandle),
      ]);
      return withCookies(response, cookies);
    }
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

/** The first permission group (any-of) the user meets none of, or `undefined` when all are met. */
async function firstMissing(
  state: GatewayState,
  principal: unknown,
  required: ReadonlyArray<readonly string[]>,
): Promise<readonly string[] | undefined> {
  for (const group of required) {
    if ((await state.auth.hasAnyPermission(principal, [...group])) !== true) return group;
  }
  return undefined;
}

/** 403 for an authenticated user without a route's permission (as Mastra's own message says it). */
function missingPermissionResponse(group: readonly string[]): Response {
  return jsonResponse(403, {
    error: 'forbidden',
    message: `Missing required permission: ${group.join(' or ')}`,
  });
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

/**
 * Slides a session cookie that is past half its idle window (one Cloud session check). A failure
 * changes nothing for this request: the session is still valid, and the next request tries again.
 */
async function slideSessionCookie(context: RouteContext, handle: string): Promise<string[]> {
  const cloud = context.state.cloud;
  if (cloud === undefined) return [];
  try {
    const session = await cloud.refreshSession(handle);
    const cookie = session === null ? undefined : cloud.getSessionHeaders(session)['Set-Cookie'];
    return cookie === undefined ? [] : [cookie];
  } catch {
    return [];
  }
}

/** The runner's response with the gateway's cookies added (a copy: fetched headers are immutable). */
function withCookies(response: Response, cookies: readonly string[]): Response {
  if (cookies.length === 0 || response.status < 200) return response;
  const copy = new Response(response.body, response);
  for (const cookie of cookies) copy.headers.append('Set-Cookie', cookie);
  return copy;
}
