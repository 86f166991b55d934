import { CloudApiError, isRejection } from '../errors/index.js';
import type { Session } from '../mastra/interfaces.js';
import { getRequestHeader, type HeaderSource } from '../mastra/request.js';
import { type ProviderContext, verifyUser } from './context.js';
import { clearProviderCookie, cookieName, readCookie } from './cookies.js';
import { openSession, type SessionClaims, sealSession } from './session-cookie.js';

/**
 * Sessions.
 *
 * The "session id" a Mastra server passes around (`getSessionIdFromRequest` -> `validateSession`,
 * `refreshSession`, `destroySession`) is the session cookie's value: an opaque sealed handle that
 * carries Cloud's session id and token. It has to be: `getSessionIdFromRequest` is synchronous
 * and opening a sealed value is not. `Session.id` in results is Cloud's session id.
 * `validateSession` and `destroySession` also accept a bare Cloud session id when a KV store
 * holds its record (no token then: local state only, Cloud is not asked).
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
 * verify cache), or behind a Cloud session id from its KV record.
 *
 * @returns the session, or `null` (unknown, expired, revoked, refused by Cloud)
 * @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers
 */
export async function validate(ctx: ProviderContext, sessionId: unknown): Promise<Session | null> {
  if (typeof sessionId !== 'string' || sessionId.length === 0) return null;
  if (!SEALED_HANDLE.test(sessionId)) return validateRecord(ctx, sessionId);
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
  if (typeof sessionId !== 'string' || sessionId.length === 0) return;
  if (!SEALED_HANDLE.test(sessionId)) return destroyRecord(ctx, sessionId);
  const claims = await openSession(ctx.sealer, sessionId, ctx.clock.now());
  if (claims === null) return;
  const until = new Date(claims.absoluteExpiresAt);
  // Revocation, record deletion and Cloud's destroy run side by side; once this resolves the
  // token is refused in this isolate whatever Cloud and KV answered.
  const revoked = ctx.users.revoke(claims.token, { until }).catch((error: unknown) => {
    ctx.report(error, { operation: 'destroySession' });
  });
  const deleted = ctx.sessions?.delete(claims.sessionId).catch((error: unknown) => {
    ctx.report(error, { operation: 'destroySession' });
  });
  const told = ctx.client.destroySession(claims.token, claims.sessionId).catch((error: unknown) => {
    // A rejection means Cloud no longer knows the session or token: already over.
    if (!isRejection(error)) ctx.report(error, { operation: 'destroySession' });
  });
  ctx.recent.delete(claims.userId);
  await Promise.all([revoked, deleted, told]);
}

/** `getSessionHeaders`: the cookie prepared for this session by `refreshSession` / `handleCallback`. */
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

async function validateRecord(ctx: ProviderContext, sessionId: string): Promise<Session | null> {
  const record = await ctx.sessions?.get(sessionId);
  if (!record) return null;
  if (record.tokenHash !== undefined && (await ctx.users.revocations.check(record.tokenHash)) !== 'clear') {
    return null;
  }
  return { id: record.id, userId: record.userId, createdAt: record.createdAt, expiresAt: record.expiresAt };
}

async function destroyRecord(ctx: ProviderContext, sessionId: string): Promise<void> {
  const sessions = ctx.sessions;
  if (sessions === undefined) return;
  try {
    const record = await sessions.get(sessionId);
    if (record === null) return;
    if (record.tokenHash !== undefined) {
      await ctx.users.revokeHash(record.tokenHash, { until: record.absoluteExpiresAt ?? record.expiresAt });
    }
    await sessions.delete(sessionId);
  } catch (error) {
    ctx.report(error, { operation: 'destroySession' });
  }
}

function toSession(claims: SessionClaims): Session {
  return {
    id: claims.sessionId,
    userId: claims.userId,
    createdAt: new Date(claims.createdAt),
    expiresAt: new Date(claims.expiresAt),
  };
}
