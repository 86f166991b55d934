import type { CloudUser } from '../cloud-fetch/index.js';
import { InvalidRequestError } from '../errors/index.js';
import { hashToken } from '../kv-session/internal.js';
import type { SSOCallbackResult } from '../mastra/interfaces.js';
import { adopt, type ProviderContext, withoutToken } from './context.js';
import { beginLogin, type CompletedLogin, completeLogin, flowCookieStateId, stateIdOf } from './flow.js';

/** Mastra's callback result plus the same-origin path sealed in the flow cookie at login. */
export type CloudCallbackResult = SSOCallbackResult<CloudUser> & { returnTo: string };

/**
 * `getLoginUrl`: starts a PKCE flow and leaves its cookie for the synchronous `getLoginCookies`
 * (keyed by `state`, taken once).
 *
 * @throws TypeError when the redirect URI or the state is malformed
 */
export async function loginUrl(ctx: ProviderContext, redirectUri: string, state: string): Promise<string> {
  const begun = await beginLogin(ctx.flow, { redirectUri: ctx.callbackUrl ?? redirectUri, state });
  ctx.loginCookies.put(state, { redirectUri, cookie: begun.cookie });
  return begun.url;
}

/** `getLoginCookies`: the flow cookie prepared by `getLoginUrl` for this state (once). */
export function loginCookies(ctx: ProviderContext, redirectUri: string, state: string): string[] | undefined {
  const pending = ctx.loginCookies.take(state);
  return pending !== undefined && pending.redirectUri === redirectUri ? [pending.cookie] : undefined;
}

/**
 * `setCallbackCookieHeader`: keeps the callback request's `Cookie` header for `handleCallback`,
 * keyed by the state id its flow cookie names (so concurrent callbacks never share a slot).
 */
export function keepCallbackCookies(ctx: ProviderContext, header: unknown): void {
  if (typeof header !== 'string') return;
  const stateId = flowCookieStateId(header, ctx.secureCookies);
  if (stateId !== null) ctx.callbackCookies.put(stateId, header);
}

/**
 * `handleCallback`: the hand-over is taken synchronously, before any await, then the login is
 * completed (state and cookie checks, code exchange, session cookie).
 *
 * @param cookieHeader - the callback's `Cookie` header; when omitted, the one left by
 *   `setCallbackCookieHeader` for this state
 * @throws InvalidRequestError `invalid_request` / `invalid_state` / `invalid_cookie` (400)
 * @throws CloudApiError `rejected` (Cloud refused the code) or `unavailable`
 */
export function callback(
  ctx: ProviderContext,
  code: string,
  state: string,
  cookieHeader?: string | null,
  waitUntil?: (promise: Promise<unknown>) => void,
): Promise<CloudCallbackResult> {
  const stateId = typeof state === 'string' ? stateIdOf(state) : null;
  const header = cookieHeader ?? (stateId === null ? undefined : ctx.callbackCookies.take(stateId));
  return completeCallback(ctx, code, state, header, waitUntil);
}

async function completeCallback(
  ctx: ProviderContext,
  code: string,
  state: string,
  cookieHeader: string | null | undefined,
  waitUntil: ((promise: Promise<unknown>) => void) | undefined,
): Promise<CloudCallbackResult> {
  if (typeof state !== 'string' || stateIdOf(state) === null) {
    throw new InvalidRequestError('invalid_state', 'The login callback has no valid state');
  }
  const login = await completeLogin(ctx.flow, { code, state, cookieHeader });
  const tokenHash = await hashToken(login.token);
  const profile = withoutToken(login.user);
  const user = adopt(ctx, profile, login.token, tokenHash);
  // The exchange already told us who the token belongs to: the first request after login needs
  // no Cloud verify. Best effort, like every cache write.
  // With `waitUntil`, both KV writes run after the redirect is answered.
  const primed = ctx.users.prime(
    login.token,
    { value: profile, expiresAt: login.session.expiresAt },
    { waitUntil },
  );
  const stored = storeSessionRecord(ctx, login, tokenHash);
  if (waitUntil === undefined) await Promise.all([primed, stored]);
  else {
    waitUntil(stored);
    await primed;
  }
  return {
    user,
    tokens: { accessToken: login.token, expiresAt: login.session.expiresAt },
    cookies: [...login.cookies],
    returnTo: login.returnTo,
  };
}

/** Best effort: the sealed cookie is self-sufficient; the record lets logout by session id work. */
async function storeSessionRecord(
  ctx: ProviderContext,
  login: CompletedLogin,
  tokenHash: string,
): Promise<void> {
  if (ctx.sessions === undefined) return;
  const end = new Date(login.sealed.claims.absoluteExpiresAt);
  try {
    await ctx.sessions.put({
      id: login.session.id,
      userId: login.user.id,
      createdAt: login.session.createdAt,
      expiresAt: end,
      absoluteExpiresAt: end,
      tokenHash,
    });
  } catch (error) {
    ctx.report(error, 'login');
  }
}
