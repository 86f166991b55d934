import type { CloudApi, CloudExchangeParams, CloudExchangeResult } from '../cloud-fetch/index.js';
import { constantTimeEqual, sha256 } from '../crypto/constant-time.js';
import { CloudApiError, InvalidRequestError } from '../errors/index.js';
import type { UsedStateLedger } from '../kv-session/index.js';
import { hashToken } from '../kv-session/internal.js';
import { cookieName } from '../policy/cookie-names.js';
import { MAX_CODE_LENGTH, MAX_STATE_LENGTH } from '../policy/limits.js';
import { newStateId, STATE_ID_PATTERN } from '../policy/login-state.js';
import { isValidCodeVerifier } from '../policy/pkce.js';
import { safeReturnTo } from '../policy/return-to.js';
import { clearProviderCookie, providerCookie, readCookie } from './cookies.js';
import { createPkcePair } from './pkce.js';
import type { OpenedPayload, Sealer } from './seal.js';
import { type SealedSession, sealSession } from './session-cookie.js';

/** Lifetime of a login flow (and of its cookie): the user has this long to sign in at Cloud. */
export const LOGIN_FLOW_TTL_SECONDS = 600;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** What a login flow needs; none of it is per-request (concurrent logins share nothing). */
export interface LoginFlowDeps {
  client: CloudApi;
  sealer: Sealer;
  ledger: UsedStateLedger;
  /** `false` only in dev mode (plain http on localhost). */
  secureCookies: boolean;
  /** Sliding lifetime of the session cookie, in seconds (never past Cloud's session expiry). */
  sessionIdleSeconds: number;
  now: () => number;
}

/** Input of {@link beginLogin}. */
export interface BeginLoginInput {
  /** The callback URL Cloud redirects to (absolute http(s)). */
  redirectUri: string;
  /** Where to go after login; only a same-origin path is kept (else `/`). */
  returnTo?: string;
  /**
   * The state to send to Cloud. Default: 32 random bytes. Mastra passes `<uuid>|<encoded path>`;
   * the part before `|` is what its callback hands back, so that part is bound to the cookie.
   */
  state?: string;
}

/** A started login: send the browser to `url` with `cookie` set. */
export interface BegunLogin {
  url: string;
  state: string;
  /** The sealed per-flow cookie (`Set-Cookie` value). */
  cookie: string;
}

/** Input of {@link completeLogin}. */
export interface CompleteLoginInput {
  code: unknown;
  /** The callback's `state`, whole or only the part before `|`. */
  state: unknown;
  /** The callback request's `Cookie` header. */
  cookieHeader: string | null | undefined;
}

/** A completed login: Cloud's answer, the saved return path and the cookies to set. */
export interface CompletedLogin extends CloudExchangeResult {
  /** The same-origin path saved at login (default `/`). */
  returnTo: string;
  /** `Set-Cookie` values, each its own header: the flow cookie cleared, then the session cookie. */
  cookies: [clearFlowCookie: string, sessionCookie: string];
  /** The sealed session (its handle is the session cookie's value). */
  sealed: SealedSession;
}

/**
 * Starts a login: creates a PKCE pair, seals `{ verifier, state, returnTo, redirectUri }` with a
 * 10-minute expiry into the flow cookie, and builds Cloud's login URL.
 *
 * @param deps - client, sealer, cookie mode, clock
 * @param input - redirect URI, optional return path and state
 * @returns the login URL, the state and the flow cookie
 * @throws TypeError when `redirectUri` is not an absolute http(s) URL or `state` is malformed
 * @see RFC 7636; DESIGN.md "Sessions and cookies"
 */
export async function beginLogin(deps: LoginFlowDeps, input: BeginLoginInput): Promise<BegunLogin> {
  const state = input.state ?? newStateId();
  const stateId = stateIdOf(state);
  if (stateId === null) {
    throw new TypeError(
      'state must start with 16 to 128 characters of [A-Za-z0-9_-], optionally followed by |...',
    );
  }
  const { verifier, challenge } = await createPkcePair();
  const url = deps.client.getLoginUrl({ redirectUri: input.redirectUri, state, codeChallenge: challenge });
  const returnTo = safeReturnTo(input.returnTo ?? returnToFromState(state));
  const exp = Math.floor(deps.now() / 1000) + LOGIN_FLOW_TTL_SECONDS;
  const sealed = await deps.sealer.seal(
    'login-flow',
    { ver: verifier, st: stateId, rt: returnTo, ru: input.redirectUri },
    exp,
  );
  // The state id rides in clear in front of the sealed part, so the synchronous
  // `setCallbackCookieHeader` can key its hand-over by it; the sealed copy is the one trusted.
  const value = `${stateId}.${sealed}`;
  return { url, state, cookie: providerCookie('login', value, LOGIN_FLOW_TTL_SECONDS, deps.secureCookies) };
}

/**
 * The state id a flow cookie claims to belong to, read synchronously (not authenticated: use it
 * only to route a hand-over; {@link completeLogin} checks the sealed copy).
 *
 * @param cookieHeader - the callback request's `Cookie` header
 * @param secure - `false` only in dev mode
 * @returns the state id, or `null` when there is no well-formed flow cookie
 */
export function flowCookieStateId(cookieHeader: string | null | undefined, secure: boolean): string | null {
  const raw = readCookie(cookieHeader, cookieName('login', secure));
  return raw === null ? null : (splitFlowCookie(raw)?.stateId ?? null);
}

/**
 * Completes a login: checks the flow cookie and the state (constant time, once only), then
 * redeems the code at Cloud with the PKCE verifier.
 *
 * @param deps - client, sealer, used-state ledger, cookie mode, clock
 * @param input - the callback's code and state, and the request's `Cookie` header
 * @returns Cloud's token, user and session, the saved return path, and the cookies to set
 * @throws InvalidRequestError 400 `invalid_request` (no usable code), `invalid_cookie` (flow cookie
 *   missing, duplicated, tampered, forged or expired), `invalid_state` (state missing, not the
 *   cookie's, or already used)
 * @throws CloudApiError `rejected` when Cloud refuses the code (answer 401); `unavailable` when
 *   Cloud cannot be reached (answer 503)
 */
export async function completeLogin(deps: LoginFlowDeps, input: CompleteLoginInput): Promise<CompletedLogin> {
  const { code, state } = input;
  if (typeof code !== 'string' || code.length > MAX_CODE_LENGTH || !VISIBLE_ASCII.test(code)) {
    throw new InvalidRequestError('invalid_request', 'The login callback has no valid authorization code');
  }
  const stateId = typeof state === 'string' ? stateIdOf(state) : null;
  if (stateId === null)
    throw new InvalidRequestError('invalid_state', 'The login callback has no valid state');

  const raw = readCookie(input.cookieHeader, cookieName('login', deps.secureCookies));
  const parts = raw === null ? null : splitFlowCookie(raw);
  const flow =
    parts === null
      ? null
      : parseFlow(await deps.sealer.open('login-flow', parts.sealed, new Date(deps.now())));
  if (flow === null) {
    throw new InvalidRequestError(
      'invalid_cookie',
      'The login session is missing or has expired; sign in again',
    );
  }
  if (!(await sameSecret(stateId, flow.stateId))) {
    throw new InvalidRequestError(
      'invalid_state',
      'The login state does not match this browser; sign in again',
    );
  }
  // Claimed before the exchange, so a replay racing this callback is refused too.
  if (!(await deps.ledger.claim(await hashToken(flow.stateId), flow.expiresAt))) {
    throw new InvalidRequestError('invalid_state', 'This login was already completed; sign in again');
  }
  const exchanged = await exchange(deps.client, {
    code,
    codeVerifier: flow.verifier,
    redirectUri: flow.redirectUri,
  });
  const sealed = await sealSession(
    deps.sealer,
    {
      sessionId: exchanged.session.id,
      userId: exchanged.user.id,
      token: exchanged.token,
      createdAt: exchanged.session.createdAt.getTime(),
      absoluteExpiresAt: exchanged.session.expiresAt.getTime(),
    },
    { nowMs: deps.now(), idleSeconds: deps.sessionIdleSeconds, secure: deps.secureCookies },
  );
  if (sealed === null) {
    throw new CloudApiError('Cloud returned a session that has already ended', {
      status: 401,
      code: 'token_expired',
    });
  }
  return {
    ...exchanged,
    returnTo: flow.returnTo,
    cookies: [clearProviderCookie('login', deps.secureCookies), sealed.cookie],
    sealed,
  };
}

/**
 * The part of a state that is bound to the flow cookie: everything before the first `|`.
 *
 * @returns the id, or `null` when the state is malformed
 */
export function stateIdOf(state: string): string | null {
  if (state.length === 0 || state.length > MAX_STATE_LENGTH) return null;
  const bar = state.indexOf('|');
  const id = bar === -1 ? state : state.slice(0, bar);
  if (!STATE_ID_PATTERN.test(id)) return null;
  // What follows `|` travels in a URL and comes back: visible ASCII only.
  if (bar !== -1 && !/^[\x21-\x7e]*$/.test(state.slice(bar + 1))) return null;
  return id;
}

function splitFlowCookie(raw: string): { stateId: string; sealed: string } | null {
  const dot = raw.indexOf('.');
  if (dot === -1) return null;
  const stateId = raw.slice(0, dot);
  return STATE_ID_PATTERN.test(stateId) ? { stateId, sealed: raw.slice(dot + 1) } : null;
}

/**
 * Redeems the code. Cloud's own message is replaced by a fixed one (status, code and family
 * kept, the original as `cause`): a Mastra server puts the message of a callback error in the
 * redirect URL, so it must carry no Cloud detail.
 */
async function exchange(client: CloudApi, params: CloudExchangeParams): Promise<CloudExchangeResult> {
  try {
    return await client.exchangeCode(params);
  } catch (error) {
    if (!(error instanceof CloudApiError)) throw error;
    const message =
      error.family === 'unavailable'
        ? 'Mastra Cloud could not be reached to complete the sign-in; try again'
        : 'Mastra Cloud refused the sign-in; sign in again';
    throw new CloudApiError(message, {
      status: error.status,
      ...(error.cloudCode !== undefined && { code: error.cloudCode }),
      ...(error.retryAfter !== undefined && { retryAfter: error.retryAfter }),
      cause: error,
    });
  }
}

interface FlowClaims {
  verifier: string;
  stateId: string;
  returnTo: string;
  redirectUri: string;
  expiresAt: number;
}

function parseFlow(p: OpenedPayload | null): FlowClaims | null {
  if (p === null) return null;
  const { ver, st, rt, ru, exp } = p;
  if (!isValidCodeVerifier(ver) || typeof st !== 'string' || !STATE_ID_PATTERN.test(st)) return null;
  if (
    typeof rt !== 'string' ||
    typeof ru !== 'string' ||
    typeof exp !== 'number' ||
    !Number.isSafeInteger(exp)
  ) {
    return null;
  }
  return { verifier: ver, stateId: st, returnTo: safeReturnTo(rt), redirectUri: ru, expiresAt: exp * 1000 };
}

async function sameSecret(a: string, b: string): Promise<boolean> {
  return constantTimeEqual(await sha256(a), await sha256(b)) === 1;
}

/** Mastra's state is `<uuid>|<encodeURIComponent(path)>`: recover the path when no returnTo is given. */
function returnToFromState(state: string): string | undefined {
  const bar = state.indexOf('|');
  if (bar === -1) return undefined;
  try {
    return decodeURIComponent(state.slice(bar + 1));
  } catch {
    return undefined;
  }
}
