import { CloudApiError, isRejection } from '../errors/index.js';
import { hashToken, sleepOn } from '../kv-session/internal.js';
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

/** After a refresh Cloud did not answer, how long this isolate waits before trying again. */
const REFRESH_RETRY_MS = 10_000;

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
    // Not answered: let a request a little later try again (well before this cookie runs out).
    ctx.refreshClaims.set(claims.sessionId, ctx.clock.now() + REFRESH_RETRY_MS);
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

/** Where the revocation of a logout stands. */
export type RevocationOutcome =
  /** The revocation mark is in KV: refused everywhere within KV's propagation window. */
  | 'stored'
  /** No shared store is configured: refused in this isolate (and by Cloud, when it heard). */
  | 'local'
  /** KV refused the mark: refused in this isolate only, for now; the write is retried in the background. */
  | 'pending'
  /** Nothing to revoke (no session, or the handle did not open). */
  | 'none';

/** Options of {@link destroy}. */
export interface EndSessionOptions {
  /** Runs work that need not delay the answer after it (`ctx.waitUntil`). */
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined;
}

/** Attempts of the background retry of a revocation mark KV refused. */
const REVOCATION_RETRIES = 3;
const REVOCATION_RETRY_DELAY_MS = 1_000;

/**
 * `destroySession`: revokes the token at once in this isolate (and in KV, seen elsewhere within
 * KV's propagation window), deletes the session record, and tells Cloud. Never throws for an
 * outage: Cloud or KV failures go to `onError`. With `waitUntil`, only the revocation mark is
 * awaited (the record deletion and Cloud's destroy run after the answer, so a logout right after
 * a login never waits out KV's one-write-per-second guard on the session record).
 *
 * @returns where the revocation stands: never `stored` unless the mark was written
 */
export async function destroy(
  ctx: ProviderContext,
  sessionId: unknown,
  options: EndSessionOptions = {},
): Promise<RevocationOutcome> {
  if (typeof sessionId !== 'string' || !SEALED_HANDLE.test(sessionId)) return 'none';
  const claims = await openSession(ctx.sealer, sessionId, ctx.clock.now());
  if (claims === null) return 'none';
  const until = new Date(claims.absoluteExpiresAt);
  const tokenHash = await hashToken(claims.token);
  // Revocation, record deletion and Cloud's destroy run side by side; once this resolves the
  // token is refused in this isolate whatever Cloud and KV answered.
  const revoked = ctx.users.revokeHash(tokenHash, { until }).then(
    (): RevocationOutcome => (ctx.sessions === undefined ? 'local' : 'stored'),
    (error: unknown): RevocationOutcome => {
      ctx.report(error, 'destroySession');
      return 'pending';
    },
  );
  const deleted = ctx.sessions?.delete(claims.sessionId).catch((error: unknown) => {
    ctx.report(error, 'destroySession');
  });
  const told = ctx.client.destroySession(claims.token, claims.sessionId).catch((error: unknown) => {
    // A rejection means Cloud no longer knows the session or token: already over.
    if (!isRejection(error)) ctx.report(error, 'destroySession');
  });
  ctx.recent.delete(claims.userId);
  const { waitUntil } = options;
  let outcome: RevocationOutcome;
  if (waitUntil === undefined) [outcome] = await Promise.all([revoked, deleted, told]);
  else {
    waitUntil(Promise.all([deleted, told]));
    outcome = await revoked;
  }
  if (outcome === 'pending') {
    const retry = retryRevocation(ctx, tokenHash, until);
    if (waitUntil === undefined) retry.catch(() => {});
    else waitUntil(retry);
  }
  return outcome;
}

/** Writes a revocation mark KV refused again, a few times, a second apart; reports the end result. */
async function retryRevocation(ctx: ProviderContext, tokenHash: string, until: Date): Promise<void> {
  for (let attempt = 1; attempt <= REVOCATION_RETRIES; attempt++) {
    await sleepOn(ctx.clock, REVOCATION_RETRY_DELAY_MS * attempt);
    try {
      await ctx.users.revocations.revokeHash(tokenHash, { until });
      return;
    } catch (error) {
      if (attempt === REVOCATION_RETRIES) ctx.report(error, 'destroySession');
    }
  }
}

/**
 * `getLogoutUrl`: Cloud's logout URL; the session cookie's token (when `request` has a session
 * cookie that still opens) goes along as the hint Cloud's logout may take.
 *
 * @returns the URL, or `null` when `redirectUri` is not an absolute http(s) URL
 */
export async function logoutUrl(
  ctx: ProviderContext,
  redirectUri: unknown,
  request: HeaderSource | undefined,
): Promise<string | null> {
  if (typeof redirectUri !== 'string') return null;
  const handle = request === undefined || request === null ? null : sessionIdFromRequest(ctx, request);
  const claims = handle === null ? null : await openSession(ctx.sealer, handle, ctx.clock.now());
  try {
    return ctx.client.getLogoutUrl(redirectUri, claims?.token);
  } catch {
    return null;
  }
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
