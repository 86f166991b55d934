import { assertNotBlocked, recordFailure } from './abuse.js';
import { authenticate, credentialOrRefusal, credentialToken } from './authenticate.js';
import type { RouteContext } from './context.js';
import { challengeResponse, errorResponse, forbiddenResponse } from './error-response.js';
import { jsonResponse } from './responses.js';
import type { GatewayState } from './state.js';

/** The user's roles and permissions from the composite's RBAC; none when it could not answer. */
async function access(
  state: GatewayState,
  principal: unknown,
): Promise<{ roles?: string[]; permissions?: string[] }> {
  try {
    const [roles, permissions] = await Promise.all([
      state.auth.getRoles(principal),
      state.auth.getPermissions(principal),
    ]);
    return { roles, permissions };
  } catch {
    return {};
  }
}

/**
 * `GET /auth/me`: the signed-in user as the runner would see it (`{ user: { id, email, name,
 * role, ... }, roles, permissions }`, never a token), or 401 (never a redirect: this is an API).
 *
 * @param context - the route context
 * @returns 200, 401 (clearing a dead session cookie), 403, or the mapped error
 */
export async function me(context: RouteContext): Promise<Response> {
  const { request, state } = context;
  const credential = await credentialOrRefusal(context);
  if (credential instanceof Response) return credential;
  const errorContext = {
    request,
    token: credentialToken(credential),
    tokenIdKey: credential.kind === 'token' ? state.observability.logKey : undefined,
    onError: context.onError,
    fromProviders: true,
  };
  try {
    if (credential.kind !== 'none') assertNotBlocked(context);
    const outcome = await authenticate(request, credential, state, context.auth);
    switch (outcome.kind) {
      case 'user':
        return jsonResponse(200, { user: outcome.user, ...(await access(state, outcome.principal)) });
      case 'forbidden':
        return forbiddenResponse();
      case 'anonymous': {
        const limited = await recordFailure(context, credential);
        if (limited !== undefined) return errorResponse(limited, errorContext);
        return challengeResponse(request, {
          loginAvailable: false,
          refusedToken: credential.kind === 'token',
          cookies: credential.kind === 'session' ? state.auth.getClearSessionCookies() : [],
        });
      }
    }
  } catch (error) {
    return errorResponse(error, errorContext);
  }
}
