import { CloudApiError, InvalidRequestError } from '../errors/index.js';
import { type AuthRequestContext, withRequestContext } from '../http/request-context.js';
import { DEFAULT_KV_READ_DEADLINE_MS } from '../kv-session/index.js';
import type { RouteContext } from './context.js';
import { type Credential, readCredential } from './credentials.js';
import { errorResponse } from './error-response.js';
import { type ForwardedUser, toForwardedUser } from './identity.js';
import type { GatewayState } from './state.js';

/** What authentication decided about a request. */
export type AuthOutcome =
  | {
      readonly kind: 'user';
      readonly user: ForwardedUser;
      /** The user object the composite returned, for its RBAC methods. */
      readonly principal: unknown;
      readonly credential: Credential;
      /** The session handle to slide (`refreshSession`), when the session cookie is due. */
      readonly refreshHandle: string | null;
    }
  /** No credential, or one that was refused (`credential` says which). */
  | { readonly kind: 'anonymous'; readonly credential: Credential }
  /** Authenticated, but the provider that vouched for the user does not authorize this request. */
  | { readonly kind: 'forbidden'; readonly credential: Credential };

/**
 * Reads the request's one credential (strictly: see `readCredential`).
 *
 * @param request - the incoming request
 * @param state - the gateway state (for the session cookie's name)
 * @returns the credential
 * @throws InvalidRequestError `invalid_authorization` / `invalid_cookie` for malformed input
 */
export function requestCredential(request: Request, state: GatewayState): Credential {
  return readCredential(request, [state.sessionCookie]);
}

/**
 * The request's credential, or the refusal to answer. A duplicated or garbled session cookie
 * (two `Cookie` entries of one name, e.g. one planted by a sibling subdomain) is refused, as
 * before, and the answer now clears it so the browser does not keep failing.
 *
 * @param context - the route context
 * @returns the credential, or a 400 response that clears the session cookie
 * @throws InvalidRequestError for malformed headers (the router answers 4xx)
 */
export async function credentialOrRefusal(context: RouteContext): Promise<Credential | Response> {
  try {
    return requestCredential(context.request, context.state);
  } catch (error) {
    if (error instanceof InvalidRequestError && error.code === 'invalid_cookie' && error.status !== 431) {
      return errorResponse(error, {
        request: context.request,
        onError: context.onError,
        cookies: context.state.auth.getClearSessionCookies(),
      });
    }
    throw error;
  }
}

/**
 * Authenticates a credential through the composite (service tokens, Cloud, app auth). Providers
 * see a minimal copy of the request carrying only the credential the gateway validated, so none
 * of them can pick up a token from somewhere the gateway did not check (a query string, another
 * cookie, a second header).
 *
 * @param request - the incoming request
 * @param credential - from {@link requestCredential}
 * @param state - the gateway state
 * @returns the outcome
 * @throws an `unavailable` error when Cloud could not be asked and nothing cached answers
 * @throws TypeError when a provider returns a user without a usable id (answered 500)
 */
export async function authenticate(
  request: Request,
  credential: Credential,
  state: GatewayState,
  context?: AuthRequestContext,
): Promise<AuthOutcome> {
  if (credential.kind === 'none') return { kind: 'anonymous', credential };
  const minimal = credentialRequest(request, credential, state.sessionCookie);
  if (context !== undefined) withRequestContext(minimal, context);
  const token = credential.kind === 'token' ? credential.token : '';
  // One budget for the whole authentication: a KV read, then Cloud (whose own deadline, across
  // attempts, is the configured one). Past it the request is answered 503, whatever still runs.
  const budgetMs = state.config.resilience.cloudDeadlineMs + DEFAULT_KV_READ_DEADLINE_MS;
  const user: unknown = await withinDeadline(state.auth.authenticateToken(token, minimal), budgetMs);
  if (user === null || user === undefined) return { kind: 'anonymous', credential };
  if ((await state.auth.authorizeUser(user, minimal)) !== true) return { kind: 'forbidden', credential };
  const refreshHandle = state.cloud?.sessionRefreshHandle(user) ?? null;
  return { kind: 'user', user: forwardedUser(user, state), principal: user, credential, refreshHandle };
}

/** Forwarded users of the built-in providers, by the user object they were made from. */
const forwarded = new WeakMap<object, ForwardedUser>();

/**
 * The user as the runner sees it. The Cloud provider hands every cached request with one token
 * the same user object (and SimpleAuth its configured ones), which nothing changes afterwards, so
 * their projection (and its encoded header) is made once. Users of the app's own auth may be
 * objects the app updates in place: projected on every request.
 */
function forwardedUser(user: unknown, state: GatewayState): ForwardedUser {
  if (typeof user !== 'object' || user === null) return toForwardedUser(user);
  const by = state.auth.authenticatedBy(user);
  const builtIn = by !== undefined && (by === state.cloud || Reflect.get(by, 'isSimpleAuth') === true);
  if (!builtIn) return toForwardedUser(user);
  let projected = forwarded.get(user);
  if (projected === undefined) {
    projected = toForwardedUser(user);
    forwarded.set(user, projected);
  }
  return projected;
}

/**
 * The request providers see, in the shape a Mastra server hands them (`{ raw, headers, header }`):
 * only the chosen credential (as `Authorization: Bearer` or the session cookie); `raw` has the
 * same method and path, no query. `raw` is built only if a provider reads it (the built-in
 * providers read headers only), so the hot path allocates no `Request` it does not need.
 *
 * @param request - the incoming request
 * @param credential - the credential {@link readCredential} chose (not `none`)
 * @param sessionCookie - the session cookie's name
 * @returns the minimal request
 */
export function credentialRequest(
  request: Request,
  credential: Credential,
  sessionCookie: string,
): { readonly raw: Request; readonly headers: Headers; header(name: string): string | undefined } {
  const headers = new Headers();
  if (credential.kind === 'token') headers.set('Authorization', `Bearer ${credential.token}`);
  if (credential.kind === 'session') headers.set('Cookie', `${sessionCookie}=${credential.cookie}`);
  return new CredentialRequest(request, headers);
}

/** A class rather than an object literal with a getter: built on every authenticated request. */
class CredentialRequest {
  readonly headers: Headers;
  readonly #request: Request;
  #raw: Request | undefined;

  constructor(request: Request, headers: Headers) {
    this.#request = request;
    this.headers = headers;
  }

  get raw(): Request {
    if (this.#raw === undefined) {
      const url = new URL(this.#request.url);
      url.search = '';
      url.hash = '';
      this.#raw = new Request(url, { method: this.#request.method, headers: this.headers });
    }
    return this.#raw;
  }

  header(name: string): string | undefined {
    return this.headers.get(name) ?? undefined;
  }
}

/**
 * The token involved in a credential, for the hashed id in error reports.
 *
 * @param credential - the request's credential
 * @returns the bearer token, or undefined (session cookies are sealed handles, not tokens)
 */
export function credentialToken(credential: Credential): string | undefined {
  return credential.kind === 'token' ? credential.token : undefined;
}

/**
 * `work`, or a 503-mapped timeout once `ms` have passed (the work itself is left to finish, or to
 * hit its own deadline).
 */
export function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new CloudApiError(`Authentication did not finish within ${ms} ms`, { status: 0, code: 'timeout' }),
        ),
      ms,
    );
  });
  work.catch(() => {});
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
