import { CloudApiError, isRejection } from '../errors/index.js';
import type { Session } from '../mastra/interfaces.js';
import { getRequestHeader, type HeaderSource } from '../mastra/request.js';
import { cookieName } from '../policy/cookie-names.js';
import { type ProviderContext, verifyUser } from './context.js';
import { clearProviderCookie, readCookie } from './cookies.js';
import { openSession, type SessionClaims, sealSession } from './session-cookie.js';

/**
 * Sessions.
 *
 * The "session id" a Mastra server passes around (`getSessionIdFromRequest` -> `validateSession`,
 * `refreshSession`, `destroySession`) is the session cookie's value: an opaque sealed handle that
 * carries Cloud's session id and token. It has to be: `getSessionIdFromRequest` is synchronous
 * and opening a sealed value is not. `Session.id` in results is Cloud's session id.
 * These methods take only that sealed handle: a bare Cloud session id is an identifier, not a
 * secret, and a cookie carrying one must never let a caller see or end someone else's session.
 * Ending a session by its Cloud id is `revokeSessionById`, for server-side callers only.
 */

/** The shape of a session handle (compact JWE, `dir`: empty second segment). */
const SEALED_HANDLE = /^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** `createSession`: Cloud cannot mint sessions. */
export function refuseCreateSession(): never {
  throw new CloudApiError(
    'Mastra Cloud sessions cannot be created directly; sign in through the SSO flow (getLoginUrl, handleCallback)',
    { status: 501, code: 'not_implemented' },
  );
}

/** `getSessionIdFromRequest`: the session cookie, by exact name; duplicated or malformed -> null. */
export function sessionIdFromRequest(ctx: ProviderContext, request: HeaderSource): string | null {
  return readCookie(getRequestHeader(request, 'cookie'), cookieName('session', ctx.secureCookies));
}

/**
 * `validateSession`: the session behind a handle while its token is still good (through the
 * verify cache).
 *
 * @returns the session, or `null` (unknown, expired, revoked, refused by Cloud)
 * @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers
 */
export async function validate(ctx: ProviderContext, sessionId: unknown): Promise<Session | null> {
  if (typeof sessionId !== 'string' || !SEALED_HANDLE.test(sessionId)) return null;
  const claims = await openSession(ctx.sealer, sessionId, ctx.clock.now());
  if (claims === null) return null;
  if (!(await tokenStillGood(ctx, claims.token))) return null;
  return toSession(claims);
}

/**
 * `refreshSession`: asks Cloud whether the session is still alive, then reseals the cookie with
 * a new sliding expiry (never past Cloud's session expiry). The new cookie is left for
 * `getSessionHeaders`, keyed by the session id.
 *
 * @returns the refreshed session, or `null` when it is over
 * @throws CloudApiError `unavailable` when Cloud could not be asked
 */
export async function refresh(ctx: ProviderContext, sessionId: unknown): Promise<Session | null> {
  if (typeof sessionId !== 'string') return null;
  const claims = await openSession(ctx.sealer, sessionId, ctx.clock.now());
  if (claims === null || !(await tokenStillGood(ctx, claims.token))) return null;
  let cloudSession: { expiresAt: Date };
  try {
    cloudSession = await ctx.client.validateSession(claims.token);
  } catch (error) {
    if (isRejection(error)) return null;
    throw error;
  }
  const sealed = await sealSession(
    ctx.sealer,
    { ...claims, absoluteExpiresAt: cloudSession.expiresAt.getTime() },
    { nowMs: ctx.clock.now(), idleSeconds: ctx.flow.sessionIdleSeconds, secure: ctx.secureCookies },
  );
  if (sealed === null) return null;
  ctx.sessionCookies.put(claims.sessionId, sealed.cookie);
  return toSession(sealed.claims);
}

/**
 * `destroySession`: revokes the token at once in this isolate (and in KV, seen elsewhere within
 * KV's propagation window), deletes the session record, and tells Cloud. Never throws for an
 * outage: Cloud or KV failures go to `onError` and logout still succeeds (the cookie is cleared
 * and the token is refused here; elsewhere once KV propagates, or when the token expires).
 */
export async function destroy(ctx: ProviderContext, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== 'string' || !SEALED_HANDLE.test(sessionId)) return;
  const claims = await openSession(ctx.sealer, sessionId, ctx.clock.now());
  if (claims === null) return;
  const until = new Date(claims.absoluteExpiresAt);
  // Revocation, record deletion and Cloud's destroy run side by side; once this resolves the
  // token is refused in this isolate whatever Cloud and KV answered.
  const revoked = ctx.users.revoke(claims.token, { until }).catch((error: unknown) => {
    ctx.report(error, 'destroySession');
  });
  const deleted = ctx.sessions?.delete(claims.sessionId).catch((error: unknown) => {
    ctx.report(error, 'destroySession');
  });
  const told = ctx.client.destroySession(claims.token, claims.sessionId).catch((error: unknown) => {
    // A rejection means Cloud no longer knows the session or token: already over.
    if (!isRejection(error)) ctx.report(error, 'destroySession');
  });
  ctx.recent.delete(claims.userId);
  await Promise.all([revoked, deleted, told]);
}

/** `getSessionHeaders`: the cookie `refreshSession` prepared for this session (`handleCallback` returns its cookie itself). */
export function sessionHeaders(ctx: ProviderContext, session: unknown): Record<string, string> {
  if (typeof session !== 'object' || session === null) return {};
  const id: unknown = Reflect.get(session, 'id');
  const cookie = typeof id === 'string' ? ctx.sessionCookies.take(id) : undefined;
  return cookie === undefined ? {} : { 'Set-Cookie': cookie };
}

/** `getClearSessionHeaders`: one `Set-Cookie` deleting the session cookie. */
export function clearSessionHeaders(ctx: ProviderContext): Record<string, string> {
  return { 'Set-Cookie': clearProviderCookie('session', ctx.secureCookies) };
}

async function tokenStillGood(ctx: ProviderContext, token: string): Promise<boolean> {
  try {
    await verifyUser(ctx, token);
    return true;
  } catch (error) {
    if (isRejection(error)) return false;
    throw error;
  }
}

/**
 * Ends a session by its Cloud session id through its KV record (revocation mark + record
 * deletion; Cloud is not told: there is no token to act with). For server-side callers only
 * (an admin action, a back-channel logout): never pass an id that came from a request.
 *
 * @returns `true` when a record was found and revoked
 */
export async function revokeSessionById(ctx: ProviderContext, sessionId: unknown): Promise<boolean> {
  if (typeof sessionId !== 'string' || sessionId.length === 0) return false;
  const sessions = ctx.sessions;
  if (sessions === undefined) return false;
  const record = await sessions.get(sessionId);
  if (record === null) return false;
  if (record.tokenHash !== undefined) {
    await ctx.users.revokeHash(record.tokenHash, { until: record.absoluteExpiresAt ?? record.expiresAt });
  }
  await sessions.delete(sessionId);
  return true;
}

function toSession(claims: SessionClaims): Session {
  return {
    id: claims.sessionId,
    userId: claims.userId,
    createdAt: new Date(claims.createdAt),
    expiresAt: new Date(claims.expiresAt),
  };
}
