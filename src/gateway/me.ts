import { authenticate, credentialOrRefusal, credentialToken } from './authenticate.js';
import type { RouteContext } from './context.js';
import { challengeResponse, errorResponse, forbiddenResponse } from './error-response.js';
import { jsonResponse } from './responses.js';

/**
 * `GET /auth/me`: the signed-in user as the runner would see it (`{ user: { id, email, name,
 * role, ... } }`, never a token), or 401 (never a redirect: this is an API).
 *
 * @param context - the route context
 * @returns 200, 401 (clearing a dead session cookie), 403, or the mapped error
 */
export async function me(context: RouteContext): Promise<Response> {
  const { request, state } = context;
  const credential = await credentialOrRefusal(context);
  if (credential instanceof Response) return credential;
  try {
    const outcome = await authenticate(request, credential, state);
    switch (outcome.kind) {
      case 'user':
        return jsonResponse(200, { user: outcome.user });
      case 'forbidden':
        return forbiddenResponse();
      case 'anonymous':
        return challengeResponse(request, {
          loginAvailable: false,
          refusedToken: credential.kind === 'token',
          cookies: credential.kind === 'session' ? state.auth.getClearSessionCookies() : [],
        });
    }
  } catch (error) {
    return errorResponse(error, { request, token: credentialToken(credential), onError: context.onError });
  }
}
