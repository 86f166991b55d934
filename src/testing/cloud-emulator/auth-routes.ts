/** The auth API: code exchange, token verification, session validation and destruction. */
import { authenticate, type RouteContext } from './context.js';
import { CODE_VERIFIER, s256, safeEqual } from './encoding.js';
import { errorResponse, okResponse, toReleasedUser, toSessionWire, toUserWire } from './responses.js';
import { isIdString, unknownKeys } from './validate.js';

const MAX_CODE_LENGTH = 512;

function invalidGrant(message: string): Response {
  return errorResponse(400, 'invalid_grant', message);
}

/**
 * `POST {prefix}/auth/callback` `{ code, code_verifier, redirect_uri }` -> v1 `{ jwt, user,
 * session }`; released `{ access_token, token_type: "Bearer", expires_in }`. The code is used up
 * by the first attempt, successful or not.
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
  if (ctx.wire === 'released') {
    const expiresIn = Math.max(1, Math.floor((session.expiresAt - ctx.store.now()) / 1000));
    return okResponse({ access_token: token, token_type: 'Bearer', expires_in: expiresIn });
  }
  return okResponse({ jwt: token, user: toUserWire(user), session: toSessionWire(session) });
}

/**
 * `POST {prefix}/auth/verify` (Bearer) -> v1 `{ user, expires_at }`; released
 * `{ sub, email, name?, avatar_url?, role }`, or for a project API token
 * `{ valid: true, role: "api", token_type: "project_api_token" }`.
 */
export function handleVerify(ctx: RouteContext): Response {
  if (ctx.wire === 'released' && ctx.token !== undefined && ctx.store.isApiToken(ctx.token)) {
    return okResponse({ valid: true, role: 'api', token_type: 'project_api_token' });
  }
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  if (ctx.wire === 'released') return okResponse(toReleasedUser(auth.user));
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
  if (ctx.wire === 'released') {
    return okResponse({ userId: session.userId, expiresAt: session.expiresAt, createdAt: session.createdAt });
  }
  return okResponse({ session: toSessionWire(session) });
}

/**
 * `POST {prefix}/auth/session/destroy`: v1 (Bearer) `{ sessionId }` -> `{}`, revoking that
 * session's token (404 for an unknown session, 403 for another user's); released (Bearer, no
 * body) ends the token's own session.
 */
export function handleSessionDestroy(ctx: RouteContext): Response {
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  if (ctx.wire === 'released') {
    // The released wire has no session ids: the Bearer token's own session ends.
    ctx.store.destroySession(auth.token.sessionId);
    return okResponse({ success: true });
  }
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
