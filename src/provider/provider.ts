import type { CircuitBreaker, CloudUser } from '../cloud-fetch/index.js';
import { CloudApiError } from '../errors/index.js';
import type {
  IMastraAuthProvider,
  IRBACProvider,
  ISessionProvider,
  ISSOProvider,
  IUserProvider,
  MastraAuthRequest,
  PathRule,
  Session,
  SSOLoginConfig,
} from '../mastra/interfaces.js';
import { rolesOf } from '../policy/permissions.js';
import { authenticate } from './authenticate.js';
import { createContext, isOwnLiveUser, type ProviderContext } from './context.js';
import { type MastraCloudAuthProviderOptions, resolveProviderOptions } from './options.js';
import {
  clearSessionHeaders,
  destroy,
  type EndSessionOptions,
  logoutUrl,
  type RevocationOutcome,
  refresh,
  refuseCreateSession,
  revokeSessionById,
  sessionHeaders,
  sessionIdFromRequest,
  validate,
} from './session.js';
import { type CloudCallbackResult, callback, keepCallbackCookies, loginCookies, loginUrl } from './sso.js';
import { permissionChecks, permissions, recentUser } from './users.js';

/**
 * Mastra Cloud user auth for a Mastra server or the edge gateway: Bearer tokens and a sealed
 * session cookie verified against Cloud through a two-tier cache (per-isolate, then KV), SSO with
 * PKCE, sessions, users and RBAC. Web APIs only: runs in Workers and Node.
 *
 * Build it once per isolate (module scope, or memoized per environment), not per request: its
 * per-isolate cache tier and hand-over maps live on the instance.
 *
 * Import from `mastra-edge-auth/provider`.
 *
 * @example
 * const auth = new MastraCloudAuthProvider({
 *   projectId: env.PROJECT_ID,
 *   cloudBaseUrl: env.MASTRA_CLOUD_API_URL,
 *   sessionSecret: env.SESSION_SECRET,
 *   kv: env.AUTH_KV,
 * });
 * const mastra = new Mastra({ server: { auth } });
 * @see CONTRACT.md sections 1 and 2; DESIGN.md "Sessions and cookies", "Failure semantics"
 */
export class MastraCloudAuthProvider
  implements
    IMastraAuthProvider<CloudUser>,
    ISSOProvider<CloudUser>,
    ISessionProvider<Session>,
    IUserProvider<CloudUser>,
    IRBACProvider<CloudUser>
{
  readonly name = 'mastra-cloud';
  /** Lets a Mastra server show the SSO button in production without an EE licence. */
  readonly isMastraCloudAuth = true;
  readonly protected?: PathRule[];
  readonly public?: PathRule[];
  readonly #ctx: ProviderContext;

  /**
   * @param options - see {@link MastraCloudAuthProviderOptions}
   * @throws ConfigError (setting `SESSION_SECRET`) when `sessionSecret` is missing or shorter than 32 bytes
   * @throws TypeError naming the first other bad option
   */
  constructor(options: MastraCloudAuthProviderOptions) {
    this.#ctx = createContext(resolveProviderOptions(options));
    if (options.protected !== undefined) this.protected = options.protected;
    if (options.public !== undefined) this.public = options.public;
  }

  /**
   * Authenticates a request: the Bearer token (this argument, else `Authorization`), else the
   * session cookie. A malformed `Authorization` never falls back to the cookie; a stale cookie
   * never blocks a valid Bearer token.
   *
   * @returns the user (its `sessionToken` set in memory), or `null` when refused
   * @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers
   */
  authenticateToken(token: string, request: MastraAuthRequest): Promise<CloudUser | null> {
    return authenticate(this.#ctx, token, request);
  }

  /** Same as {@link authenticateToken} with no token argument: for gateways. */
  authenticateRequest(request: MastraAuthRequest): Promise<CloudUser | null> {
    return authenticate(this.#ctx, '', request);
  }

  /** True only for a user this provider produced whose token has not been revoked here. */
  authorizeUser(user: CloudUser, _request?: MastraAuthRequest): boolean {
    return isOwnLiveUser(this.#ctx, user);
  }

  /** The user's id (never empty: Cloud ids are non-empty strings). */
  mapUserToResourceId(user: CloudUser): string {
    return user.id;
  }

  /**
   * Starts the SSO flow (PKCE S256, sealed per-flow cookie) and returns Cloud's login URL. The
   * flow cookie is handed to {@link getLoginCookies}. `callbackUrl`, when configured, replaces
   * `redirectUri`.
   *
   * @throws TypeError when `redirectUri` or `state` is malformed
   */
  getLoginUrl(redirectUri: string, state: string): Promise<string> {
    return loginUrl(this.#ctx, redirectUri, state);
  }

  /** The flow cookie `getLoginUrl` prepared for these arguments (once), as `Set-Cookie` values. */
  getLoginCookies(redirectUri: string, state: string): string[] | undefined {
    return loginCookies(this.#ctx, redirectUri, state);
  }

  /** Keeps the callback request's `Cookie` header for the `handleCallback` of the same flow. */
  setCallbackCookieHeader(header: string | null | undefined): void {
    keepCallbackCookies(this.#ctx, header);
  }

  /**
   * Completes the SSO flow: checks state and flow cookie (once only), redeems the code with the
   * PKCE verifier, and returns the user with `cookies` = [flow cookie cleared, session cookie] and the
   * `returnTo` path sealed at login (integrity-protected, unlike the state's `|path` suffix).
   *
   * @param state - the whole state, or the part before `|` (what a Mastra server passes)
   * @param cookieHeader - the callback's `Cookie` header; default: the one given to `setCallbackCookieHeader`
   * @throws InvalidRequestError 400 `invalid_request` / `invalid_state` / `invalid_cookie`
   * @throws CloudApiError `rejected` (Cloud refused the code) or `unavailable`
   */
  handleCallback(
    code: string,
    state: string,
    cookieHeader?: string | null,
    options?: { waitUntil?: ((promise: Promise<unknown>) => void) | undefined },
  ): Promise<CloudCallbackResult> {
    return callback(this.#ctx, code, state, cookieHeader, options?.waitUntil);
  }

  getLoginButtonConfig(): SSOLoginConfig {
    return { provider: 'mastra-cloud', text: 'Sign in with Mastra Cloud' };
  }

  /**
   * Cloud's logout URL returning to `redirectUri`, or `null` when that is not an http(s) URL.
   * With `request`, the token of its session cookie is offered to Cloud as `id_token_hint`
   * (used by Clouds whose logout takes one: the released profile).
   */
  getLogoutUrl(redirectUri: string, request?: MastraAuthRequest): Promise<string | null> {
    return logoutUrl(this.#ctx, redirectUri, request);
  }

  /** @throws CloudApiError 501 `not_implemented`: Cloud sessions come only from the SSO flow. */
  async createSession(_userId: string, _metadata?: Record<string, unknown>): Promise<Session> {
    return refuseCreateSession();
  }

  /** The session behind a session handle (the session cookie's value), or `null`. */
  validateSession(sessionId: string): Promise<Session | null> {
    return validate(this.#ctx, sessionId);
  }

  /** Slides the session's expiry (never past Cloud's); the new cookie goes to `getSessionHeaders`. */
  refreshSession(sessionId: string): Promise<Session | null> {
    return refresh(this.#ctx, sessionId);
  }

  /** Revokes the session here and in KV and tells Cloud; reports outages to `onError`, never throws for them. */
  async destroySession(sessionId: string): Promise<void> {
    await destroy(this.#ctx, sessionId);
  }

  /**
   * {@link destroySession} for a host that can run work after its answer: only the revocation
   * mark is awaited (record deletion and Cloud's destroy go to `waitUntil`), and the answer says
   * where the revocation stands. `pending`: KV refused the mark, so the token is refused in this
   * isolate only for now; the write is retried through `waitUntil`. Never throws for an outage.
   */
  endSession(sessionId: string, options: EndSessionOptions = {}): Promise<RevocationOutcome> {
    return destroy(this.#ctx, sessionId, options);
  }

  /** The circuit breaker guarding this provider's Cloud calls (for health checks), when it has one. */
  get cloudBreaker(): CircuitBreaker | undefined {
    return this.#ctx.client.breaker;
  }

  /** Cloud verifies refused by the unknown-token budget since the isolate started. */
  get throttledVerifies(): number {
    return this.#ctx.unknownTokens?.refused ?? 0;
  }

  /**
   * Asks Cloud whether it is reachable and accepts this provider's project id, with a token no
   * one holds: `invalid_token` means both. For deep health checks; not cached, not budgeted.
   *
   * @returns `ok`, `unreachable` (timeout, network, 5xx...) or `project_refused`
   */
  async probeCloud(): Promise<'ok' | 'unreachable' | 'project_refused'> {
    try {
      await this.#ctx.client.verifyToken(`health-probe.${crypto.randomUUID()}`);
      return 'ok';
    } catch (error) {
      if (error instanceof CloudApiError && error.family === 'rejected') return 'ok';
      if (error instanceof CloudApiError && error.family === 'misconfigured') return 'project_refused';
      return 'unreachable';
    }
  }

  /**
   * Ends a session by its Cloud session id (`Session.id`), through the KV record written at
   * login: the token is revoked as by `destroySession`. For server-side callers (admin action,
   * back-channel logout); never pass an id taken from a request. Needs `kv`.
   *
   * @returns `true` when the session was found and revoked
   * @throws StorageUnavailableError when KV could not be read or written
   */
  revokeSessionById(sessionId: string): Promise<boolean> {
    return revokeSessionById(this.#ctx, sessionId);
  }

  /**
   * The session handle to pass to `refreshSession` when `user` came from a session cookie that
   * is past half its idle window (a gateway slides it then: one Cloud call per half window);
   * else `null`. Synchronous: decided while `authenticateToken` opened the cookie.
   */
  sessionRefreshHandle(user: unknown): string | null {
    return typeof user === 'object' && user !== null ? (this.#ctx.refreshDue.get(user) ?? null) : null;
  }

  /** The session handle: the session cookie's value (exact name; duplicated or malformed -> `null`). */
  getSessionIdFromRequest(request: Request): string | null {
    return sessionIdFromRequest(this.#ctx, request);
  }

  /** `{ 'Set-Cookie': ... }` for a session `refreshSession` just produced; else `{}` (`handleCallback` returns its cookie in `cookies`). */
  getSessionHeaders(session: Session): Record<string, string> {
    return sessionHeaders(this.#ctx, session);
  }

  getClearSessionHeaders(): Record<string, string> {
    return clearSessionHeaders(this.#ctx);
  }

  /** @throws CloudApiError `unavailable` when Cloud could not be asked */
  getCurrentUser(request: Request): Promise<CloudUser | null> {
    return authenticate(this.#ctx, '', request);
  }

  /** The user as recently authenticated in this isolate, else `null` (Cloud needs a token to look users up). */
  async getUser(userId: string): Promise<CloudUser | null> {
    return recentUser(this.#ctx, userId);
  }

  async getUsers(userIds: string[]): Promise<Array<CloudUser | null>> {
    return userIds.map((id) => recentUser(this.#ctx, id));
  }

  async getRoles(user: CloudUser): Promise<string[]> {
    return rolesOf(user);
  }

  async hasRole(user: CloudUser, role: string): Promise<boolean> {
    return rolesOf(user).includes(role);
  }

  /** @throws CloudApiError `unavailable` when Cloud could not be asked and nothing cached answers */
  getPermissions(user: CloudUser): Promise<string[]> {
    return permissions(this.#ctx, user);
  }

  hasPermission(user: CloudUser, permission: string): Promise<boolean> {
    return permissionChecks.one(this.#ctx, user, permission);
  }

  hasAllPermissions(user: CloudUser, required: string[]): Promise<boolean> {
    return permissionChecks.all(this.#ctx, user, required);
  }

  hasAnyPermission(user: CloudUser, required: string[]): Promise<boolean> {
    return permissionChecks.any(this.#ctx, user, required);
  }
}
