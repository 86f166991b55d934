import type { CloudUser } from '../cloud-fetch/index.js';
import { isRejection } from '../errors/index.js';
import type { HeaderSource } from '../mastra/request.js';
import { cookieName } from '../policy/cookie-names.js';
import { type ProviderContext, verifyUser } from './context.js';
import { readProviderCredential } from './credentials.js';
import { openSession, type SessionClaims } from './session-cookie.js';

/**
 * Authenticates a request: the Bearer token (the `token` argument, else `Authorization`), else
 * the session cookie. See `readProviderCredential` for which credential decides.
 *
 * @returns the user, or `null` for no credential, a malformed one, or one Cloud refused
 * @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers
 *   (so a gateway can answer 503 instead of logging everyone out)
 */
export async function authenticate(
  ctx: ProviderContext,
  token: unknown,
  request: HeaderSource,
): Promise<CloudUser | null> {
  const credential = readProviderCredential(token, request, cookieName('session', ctx.secureCookies));
  let bearer: string;
  let session: { handle: string; claims: SessionClaims } | undefined;
  if (credential.kind === 'bearer') bearer = credential.token;
  else if (credential.kind === 'session') {
    const claims = await openSession(ctx.sealer, credential.handle, ctx.clock.now());
    if (claims === null) return null;
    bearer = claims.token;
    session = { handle: credential.handle, claims };
  } else return null;
  let user: CloudUser;
  try {
    user = await verifyUser(ctx, bearer, {
      request,
      known: session !== undefined,
      reuse: session === undefined ? 'shared' : 'fresh',
    });
  } catch (error) {
    if (isRejection(error)) return null;
    throw error;
  }
  if (session !== undefined && refreshIsDue(ctx, session.claims) && claimRefresh(ctx, session.claims)) {
    ctx.refreshDue.set(user, session.handle);
  }
  return user;
}

/**
 * Whether a session cookie should slide: past half of its idle window, and able to go further
 * (not already at Cloud's session end). The cookie's end is sealed in whole seconds, so Cloud's
 * end (milliseconds) is compared floored to the second too: a Cloud expiry off the whole second
 * would otherwise look "further" for ever and make every request re-validate with Cloud.
 */
function refreshIsDue(ctx: ProviderContext, claims: SessionClaims): boolean {
  const now = ctx.clock.now();
  const halfWindowMs = (ctx.flow.sessionIdleSeconds * 1000) / 2;
  const cloudEnd = Math.floor(claims.absoluteExpiresAt / 1000) * 1000;
  return claims.expiresAt - now < halfWindowMs && claims.expiresAt < cloudEnd;
}

/**
 * Claims the one refresh of a session per half idle window in this isolate, so concurrent
 * requests carrying the same (old) cookie do not each ask Cloud. No promise is shared between
 * requests (workerd forbids awaiting another request's I/O): the other requests simply do not
 * refresh; the winner's `Set-Cookie` slides the session for all of them.
 */
function claimRefresh(ctx: ProviderContext, claims: SessionClaims): boolean {
  // While Cloud is failing (breaker not closed), sliding would only hold an authenticated request.
  const breaker = ctx.client.breaker;
  if (breaker !== undefined && breaker.state !== 'closed') return false;
  const now = ctx.clock.now();
  const claimedUntil = ctx.refreshClaims.peek(claims.sessionId);
  if (claimedUntil !== undefined && claimedUntil > now) return false;
  ctx.refreshClaims.set(claims.sessionId, now + (ctx.flow.sessionIdleSeconds * 1000) / 2);
  return true;
}
