/** The users API: `GET {prefix}/users/{userId}` and `GET {prefix}/users/{userId}/permissions`. */
import { authenticate, type RouteContext } from './context.js';
import { errorResponse, okResponse, toUserWire } from './responses.js';
import { decodeUserSegment } from './routes.js';
import { ROLE_PERMISSIONS } from './types.js';

function userIdOf(ctx: RouteContext): string | Response {
  const id = ctx.userSegment === undefined ? null : decodeUserSegment(ctx.userSegment);
  return id ?? errorResponse(400, 'invalid_path', 'The user id in the path must be percent-encoded');
}

/** `GET {prefix}/users/{userId}` with any valid user's Bearer token -> `{ user }`, 404 `not_found` when absent. */
export function handleGetUser(ctx: RouteContext): Response {
  const userId = userIdOf(ctx);
  if (userId instanceof Response) return userId;
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  const user = ctx.store.users.get(userId);
  if (user === undefined) return errorResponse(404, 'not_found', 'No such user');
  return okResponse({ user: toUserWire(user) });
}

/** `GET {prefix}/users/{userId}/permissions` with that user's own Bearer token -> `{ permissions }`. */
export function handleGetPermissions(ctx: RouteContext): Response {
  const userId = userIdOf(ctx);
  if (userId instanceof Response) return userId;
  const auth = authenticate(ctx);
  if (!auth.ok) return auth.response;
  if (auth.user.id !== userId)
    return errorResponse(403, 'forbidden', "Only the user's own token may read its permissions");
  return okResponse({ permissions: [...ROLE_PERMISSIONS[auth.user.role]] });
}
