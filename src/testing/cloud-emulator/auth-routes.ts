/** The auth API: code exchange, token verification, session validation and destruction. */
import { authenticate, type RouteContext } from './context.js';
import { CODE_VERIFIER, s256, safeEqual } from './encoding.js';
import { errorResponse, okResponse, toSessionWire, toUserWire } from './responses.js';
import { isIdString, unknownKeys } from './validate.js';

const MAX_CODE_LENGTH = 512;

function invalidGrant(message: string): Response {
  return errorResponse(400, 'invalid_grant', message);
}

/**
 * `POST {prefix}/auth/callback` `{ code, code_verifier, redirect_uri }` ->
 * `{ jwt, user, session }`. The code is used up by the first attempt, successful or not.
 */
export async function handleCallback(ctx: RouteContext): Promise<Response> {
  const body = ctx.body ?? {};
  const extra = unknownKeys(body, ['code', 'code_verifier', 'redirect_uri']);
  if (extra.length > 0) return errorResponse(400, 'invalid_request', `Unknown field ${extra[0]}`);
  const { code, code_verifier: verifier, redirect_uri: redirectUri } = body;
  if (!isIdString(code, MAX_CODE_LENGTH))
    return errorResponse(400, 'invalid_request', 'code must be a non-empty string');
  if (typeof verifier !== 'string')
    return errorResponse(400, 'invalid_request', 'code_verifier must be a string');
  if (typeof redirectUri !== 'string')
    return errorResponse(400, 'invalid_request', 'redirect_uri must be a string');

  const redemption = ctx.store.redeemCode(code);
  switch (redemption.status) {
    case 'unknown':
      return invalidGrant('The code is not valid');
    case 'used':
      return invalidGrant('The code has already been used');
    case 'expired':
      return invalidGrant('The code has expired');
  }
  if (redirectUri !== redemption.redirectUri)
    return invalidGrant('redirect_uri does not match the authorization request');
  if (!CODE_VERIFIER.test(verifier))
    return invalidGrant('code_verifier must be 43 to 128 unreserved characters');
  if (!safeEqual(await s256(verifier), redemption.challenge)) {
    return invalidGrant('code_verifier does not match the code_challenge');
  }
  const user = ctx.store.users.get(redemption.userId);
  if (user === undefined) return invalidGrant('The user of this code no longer exists');
  const { token, session } = ctx.store.issueToken(user.id);
  return okResponse({ jwt: token, user: toUserWire(user), session: toSessionWire(session) });
}

/** `POST {prefix}/auth/verify` (Bearer) -> `{ user, expires_at }`. */
export function handleVerify(ctx: RouteContext): Response {
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  return okResponse({
    user: toUserWire(auth.user),
    expires_at: new Date(auth.token.expiresAt).toISOString(),
  });
}

/** `POST {prefix}/auth/session/validate` (Bearer session token) -> `{ session }`. */
export function handleSessionValidate(ctx: RouteContext): Response {
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  const session = ctx.store.getSession(auth.token.sessionId);
  if (session === undefined) return errorResponse(401, 'invalid_token', 'The session has ended');
  if (ctx.store.now() >= session.expiresAt)
    return errorResponse(401, 'token_expired', 'The session has expired');
  return okResponse({ session: toSessionWire(session) });
}

/**
 * `POST {prefix}/auth/session/destroy` (Bearer) `{ sessionId }` -> `{}`; revokes that session's
 * token. 404 for an unknown session, 403 for another user's.
 */
export function handleSessionDestroy(ctx: RouteContext): Response {
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  const body = ctx.body ?? {};
  const extra = unknownKeys(body, ['sessionId']);
  if (extra.length > 0) return errorResponse(400, 'invalid_request', `Unknown field ${extra[0]}`);
  if (!isIdString(body.sessionId))
    return errorResponse(400, 'invalid_request', 'sessionId must be a non-empty string');
  const session = ctx.store.getSession(body.sessionId);
  if (session === undefined) return errorResponse(404, 'not_found', 'No such session');
  if (session.userId !== auth.user.id)
    return errorResponse(403, 'forbidden', 'The session belongs to another user');
  ctx.store.destroySession(session.id);
  return okResponse({});
}
