import { InvalidRequestError } from '../errors/index.js';
import { assertNotBlocked, recordFailure } from './abuse.js';
import { authenticate, credentialOrRefusal, credentialToken } from './authenticate.js';
import type { RouteContext } from './context.js';
import { hasCredentialParam } from './credential-params.js';
import {
  challengeResponse,
  errorResponse,
  forbiddenResponse,
  payloadTooLargeResponse,
} from './error-response.js';
import type { ForwardedUser } from './identity.js';
import { buildUpstreamRequest } from './proxy.js';
import { publicOriginOf, requirePublicOrigin } from './public-origin.js';
import { isPublicPath } from './public-paths.js';
import { relay } from './relay.js';
import { limitRequestBody } from './request-body.js';
import { privateAnswer } from './response-headers.js';
import { jsonResponse } from './responses.js';
import { requiredPermissions } from './route-permissions.js';
import { assertSameOrigin, isUnsafeMethod } from './same-origin.js';
import type { GatewayState } from './state.js';

/**
 * Every request outside `/auth/*`: public paths go to the runner without identity; everything
 * else is authenticated first. Unauthenticated: 302 to login for a browser navigation, else 401
 * with a `Bearer` challenge. Nothing malformed or unauthenticated ever reaches the runner.
 *
 * @param context - the route context
 * @returns the runner's response, or the gateway's refusal
 * @throws InvalidRequestError for a malformed credential, a credential in both a header and the
 *   query (400), or a cookie-authenticated unsafe request from another site (403)
 */
export async function forward(context: RouteContext): Promise<Response> {
  const { request, url, state } = context;
  assertOneCredentialPlace(request, url);
  const required = requiredPermissions(state.routePermissions, request.method, url.pathname);
  if (required.length === 0 && isPublicPath(state.config.publicPaths, url.pathname))
    return send(context, null);
  const credential = await credentialOrRefusal(context);
  if (credential instanceof Response) return credential;
  if (credential.kind === 'session' && isUnsafeMethod(request.method)) {
    // A browser attaches the cookie to any site's form post; a bearer token it never sends on its own.
    assertSameOrigin(request, publicOriginOf(state.config, url) ?? url.origin, state.config.corsOrigins);
  }
  const errorContext = {
    request,
    token: credentialToken(credential),
    tokenIdKey: credential.kind === 'token' ? state.observability.logKey : undefined,
    onError: context.onError,
    fromProviders: true,
  };
  let outcome: Awaited<ReturnType<typeof authenticate>>;
  try {
    if (credential.kind !== 'none') assertNotBlocked(context);
    outcome = await authenticate(request, credential, state, context.auth);
  } catch (error) {
    return errorResponse(error, errorContext);
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
      if (outcome.refreshHandle === null) return privateAnswer(await send(context, outcome.user), []);
      const [response, cookies] = await Promise.all([
        send(context, outcome.user),
        slideSessionCookie(context, outcome.refreshHandle),
      ]);
      return privateAnswer(response, cookies);
    }
    case 'forbidden':
      return forbiddenResponse(request);
    case 'anonymous': {
      const limited = await recordFailure(context, credential);
      if (limited !== undefined) return errorResponse(limited, errorContext);
      return challengeResponse(request, {
        // A refused token is an API client's problem: a login page would not fix it.
        loginAvailable: state.cloud !== undefined && credential.kind !== 'token',
        refusedToken: credential.kind === 'token',
        // A session cookie that no longer opens (expired, revoked, old secret) is cleared.
        cookies: credential.kind === 'session' ? state.auth.getClearSessionCookies() : [],
      });
    }
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

/**
 * A credential in the URL is never used, and never passed on; next to a header credential it
 * makes the request ambiguous (which one did the client mean?), so it is refused.
 *
 * @throws InvalidRequestError `invalid_request` (400)
 */
function assertOneCredentialPlace(request: Request, url: URL): void {
  if (
    (request.headers.has('Authorization') || request.headers.has('X-Playground-Access')) &&
    hasCredentialParam(url.search)
  ) {
    throw new InvalidRequestError(
      'invalid_request',
      'Send the credential in one place: a header, not also the query string.',
    );
  }
}

async function send(context: RouteContext, user: ForwardedUser | null): Promise<Response> {
  const { request, state, url } = context;
  const { upstream, forwardCredentials, runner: limits } = state.config;
  const body = limitRequestBody(request, limits.maxRequestBodyBytes);
  if (!body.ok) return payloadTooLargeResponse(limits.maxRequestBodyBytes);
  const assertion =
    user === null || state.signer === undefined
      ? null
      : await state.signer.sign(user, requirePublicOrigin(state.config, url));
  const upstreamRequest = buildUpstreamRequest(
    body.request,
    {
      upstream,
      user,
      assertion,
      ownCookieNames: state.ownCookies,
      publicOrigin: publicOriginOf(state.config, url),
      forwardCredentials,
    },
    url,
  );
  return relay(upstreamRequest, {
    upstream,
    fetch: context.fetch,
    limits,
    request,
    onError: context.onError,
    bodyOverflow: body.overflow,
  });
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
