import { ConfigError } from '../errors/index.js';
import type {
  IMastraAuthProvider,
  IRBACProvider,
  ISessionProvider,
  ISSOProvider,
  IUserProvider,
  Session,
  SSOCallbackResult,
  SSOLoginConfig,
  User,
} from '../mastra/interfaces.js';
import { CompositeAuthCore } from './composite-core.js';
import {
  clearSessionEntries,
  everyProvider,
  firstAnswer,
  firstAnswerSync,
  lookUpUsers,
} from './composite-delegation.js';
import { type CompositeAuthOptions, NO_RBAC } from './composite-options.js';
import { isRBACProvider, isSessionProvider, isSSOProvider, isUserProvider } from './guards.js';
import { mergeHeaderEntries } from './header-record.js';
import { invalidArg } from './invalid-arg.js';
import {
  type CredentialMembers,
  credentialMembers,
  hideMissingMembers,
  profileUrl,
  type RbacExtras,
  rbacExtras,
} from './optional-members.js';

const NO_SSO = 'No SSO provider configured in CompositeAuth';
const NO_SESSION = 'No session provider configured in CompositeAuth';

/**
 * Several Mastra auth providers mounted as one `server.auth` (import from `mastra-edge-auth/composite`).
 *
 * `authenticateToken` asks the providers in order and the first user wins; a provider that throws
 * does not stop the others, and when nobody accepted and one of them was *unavailable*, that error
 * is thrown (a gateway answers 503; inside the Mastra server every throw becomes 401).
 * `authorizeUser` asks the provider that authenticated that user object (see `AuthorizePolicy`).
 * SSO, session, user and RBAC methods delegate as CONTRACT section 3 says. `protected` and
 * `public` are the union of the providers' rules, read once at construction: one provider's
 * public path is public for all of them.
 *
 * Every SSO and session method exists even when no provider has the capability (the two "No ...
 * configured" errors need them), so the Mastra server and Studio see SSO and sessions as
 * available; core's own CompositeAuth hides them instead. The credentials members (`signIn`,
 * `signUp`, `isSignUpEnabled`, `requestPasswordReset`, `resetPassword`), `getUserProfileUrl`
 * and the RBAC extras (`getAvailableRoles`, `getPermissionsForRole`) exist only when a provider
 * (or the `rbac` option) has them, since the server offers a login form or role list on sight.
 *
 * @example
 * ```ts
 * const auth = new CompositeAuth([serviceTokens, cloudAuth, appAuth], { onError: (e, name) => log(name, e) });
 * new Mastra({ server: { auth } });
 * ```
 * @see CONTRACT.md section 3
 */
export class CompositeAuth
  extends CompositeAuthCore
  implements ISSOProvider<unknown>, ISessionProvider, IUserProvider, IRBACProvider
{
  /** The `rbac` option, when given: answers every RBAC question about this composite's users. */
  readonly rbac: IRBACProvider<unknown> | undefined;
  declare readonly signIn?: CredentialMembers['signIn'];
  declare readonly signUp?: CredentialMembers['signUp'];
  declare readonly isSignUpEnabled?: CredentialMembers['isSignUpEnabled'];
  declare readonly requestPasswordReset?: CredentialMembers['requestPasswordReset'];
  declare readonly resetPassword?: CredentialMembers['resetPassword'];
  declare readonly getAvailableRoles?: RbacExtras['getAvailableRoles'];
  declare readonly getPermissionsForRole?: RbacExtras['getPermissionsForRole'];
  /**
   * The profile URL from the provider that authenticated `user` (`''` when that provider has
   * none). Defined only when some provider has `getUserProfileUrl`.
   */
  declare readonly getUserProfileUrl?: (user: unknown) => string;

  /**
   * @param providers - Asked in this order; each needs `authenticateToken` and `authorizeUser`.
   * @param options - See {@link CompositeAuthOptions}.
   * @throws TypeError (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) naming the bad argument.
   */
  constructor(providers: readonly IMastraAuthProvider[], options: CompositeAuthOptions = {}) {
    super(providers, options);
    this.rbac = options.rbac;
    Object.assign(
      this,
      credentialMembers(this.providers, (user, provider) => this.remember(user, provider)),
      rbacExtras(this.rbac),
    );
    const mapping: unknown = this.rbac && Reflect.get(this.rbac, 'roleMapping');
    if (mapping !== undefined)
      Object.defineProperty(this, 'roleMapping', { value: mapping, enumerable: true });
    if (this.providers.some((provider) => typeof Reflect.get(provider, 'getUserProfileUrl') === 'function')) {
      Object.assign(this, {
        getUserProfileUrl: (user: unknown) => profileUrl(this.authenticatedBy(user), user),
      });
    }
    if (options.hideMissing === true) hideMissingMembers(this, this.providers);
  }

  /** Forward the callback's `Cookie` header to the first SSO provider, when it accepts one. */
  setCallbackCookieHeader(cookieHeader: string | null): void {
    const sso = this.#sso();
    const method: unknown = sso && Reflect.get(sso, 'setCallbackCookieHeader');
    if (typeof method === 'function') Reflect.apply(method, sso, [cookieHeader]);
  }

  /** @throws ConfigError `No SSO provider configured in CompositeAuth` (`setting` `providers`). */
  getLoginUrl(redirectUri: string, state: string): string | Promise<string> {
    const sso = this.#sso();
    if (!sso) throw new ConfigError('providers', NO_SSO);
    return sso.getLoginUrl(redirectUri, state);
  }

  /** The first SSO provider's login cookies; `undefined` without one. Synchronous, as the server calls it. */
  getLoginCookies(redirectUri: string, state: string): string[] | undefined {
    return this.#sso()?.getLoginCookies?.(redirectUri, state);
  }

  /** @throws ConfigError `No SSO provider configured in CompositeAuth` (`setting` `providers`). */
  async handleCallback(code: string, state: string): Promise<SSOCallbackResult<unknown>> {
    const sso = this.#sso();
    if (!sso) throw new ConfigError('providers', NO_SSO);
    return sso.handleCallback(code, state);
  }

  /** The first SSO provider's button; `{ provider: 'unknown', text: 'Sign in' }` without one. */
  getLoginButtonConfig(): SSOLoginConfig {
    return this.#sso()?.getLoginButtonConfig() ?? { provider: 'unknown', text: 'Sign in' };
  }

  /** The first SSO provider's logout URL; `null` without one or when it fails (reported). */
  async getLogoutUrl(redirectUri: string, request?: Request): Promise<string | null> {
    const sso = this.#sso();
    if (!sso?.getLogoutUrl) return null;
    try {
      return (await sso.getLogoutUrl(redirectUri, request)) || null;
    } catch (error) {
      this.report(error, sso, 'getLogoutUrl');
      return null;
    }
  }

  /** @throws ConfigError `No session provider configured in CompositeAuth` (`setting` `providers`). */
  async createSession(userId: string, metadata?: Record<string, unknown>): Promise<Session> {
    const provider = this.#sessionProviders()[0];
    if (!provider) throw new ConfigError('providers', NO_SESSION);
    return provider.createSession(userId, metadata);
  }

  /** First non-null across session providers. @throws An `unavailable` error when none answered and one was down. */
  async validateSession(sessionId: string): Promise<Session | null> {
    const answer = await firstAnswer(this.#sessionProviders(), 'validateSession', this.report, (provider) =>
      provider.validateSession(sessionId),
    );
    return answer?.value ?? null;
  }

  /** Destroy the session in every session provider; failures are reported, not thrown. */
  async destroySession(sessionId: string): Promise<void> {
    await everyProvider(this.#sessionProviders(), 'destroySession', this.report, (provider) =>
      provider.destroySession(sessionId),
    );
  }

  /** First non-null across session providers. @throws An `unavailable` error when none answered and one was down. */
  async refreshSession(sessionId: string): Promise<Session | null> {
    const answer = await firstAnswer(this.#sessionProviders(), 'refreshSession', this.report, (provider) =>
      provider.refreshSession(sessionId),
    );
    return answer?.value ?? null;
  }

  /** First non-null across session providers (synchronous, as the server calls it). */
  getSessionIdFromRequest(request: Request): string | null {
    const answer = firstAnswerSync(this.#sessionProviders(), 'getSessionIdFromRequest', this.report, (p) =>
      p.getSessionIdFromRequest(request),
    );
    return typeof answer?.value === 'string' ? answer.value : null;
  }

  /** The first session provider's headers; `{}` without one. */
  getSessionHeaders(session: Session): Record<string, string> {
    return this.#sessionProviders()[0]?.getSessionHeaders(session) ?? {};
  }

  /**
   * Every provider's clear-session headers (any provider with `getClearSessionHeaders`, session
   * provider or not), with every `Set-Cookie` kept: extra values of one header go under other
   * spellings of its name, which `@mastra/server` applies with `Headers.append` (see `header-record.ts`).
   * Callers that can append should prefer {@link getClearSessionCookies}.
   */
  getClearSessionHeaders(): Record<string, string> {
    return mergeHeaderEntries(clearSessionEntries(this.providers, this.report));
  }

  /** Every `Set-Cookie` value of every provider's clear-session headers, in provider order. */
  getClearSessionCookies(): string[] {
    return Object.entries(this.getClearSessionHeaders())
      .filter(([name]) => name.toLowerCase() === 'set-cookie')
      .map(([, value]) => value);
  }

  /** First non-null across user providers; the user is remembered like an authenticated one. */
  async getCurrentUser(request: Request): Promise<User | null> {
    const answer = await firstAnswer(this.#userProviders(), 'getCurrentUser', this.report, (provider) =>
      provider.getCurrentUser(request),
    );
    if (!answer) return null;
    this.remember(answer.value, answer.provider);
    return answer.value;
  }

  /** First non-null across user providers. @throws An `unavailable` error when none answered and one was down. */
  async getUser(userId: string): Promise<User | null> {
    const answer = await firstAnswer(this.#userProviders(), 'getUser', this.report, (provider) =>
      provider.getUser(userId),
    );
    return answer?.value ?? null;
  }

  /** Users in input order, `null` for misses (a provider's `getUsers` when it has one, else `getUser` per id). */
  async getUsers(userIds: string[]): Promise<Array<User | null>> {
    if (!Array.isArray(userIds)) throw invalidArg('ERR_INVALID_ARG_TYPE', '"userIds" must be an array');
    return lookUpUsers(this.#userProviders(), userIds, this.report);
  }

  /** Asks the user's RBAC provider (see `#rbac`): roles; none without one. */
  async getRoles(user: unknown): Promise<string[]> {
    return this.#rbac(user).getRoles(user);
  }

  /** Asks the user's RBAC provider (see `#rbac`): answer; `false` without one. */
  async hasRole(user: unknown, role: string): Promise<boolean> {
    return this.#rbac(user).hasRole(user, role);
  }

  /** Asks the user's RBAC provider (see `#rbac`): permissions; none without one. */
  async getPermissions(user: unknown): Promise<string[]> {
    return this.#rbac(user).getPermissions(user);
  }

  /** Asks the user's RBAC provider (see `#rbac`): answer; `false` without one. */
  async hasPermission(user: unknown, permission: string): Promise<boolean> {
    return this.#rbac(user).hasPermission(user, permission);
  }

  /** Asks the user's RBAC provider (see `#rbac`): answer; without one, true only for an empty list. */
  async hasAllPermissions(user: unknown, permissions: string[]): Promise<boolean> {
    return this.#rbac(user).hasAllPermissions(user, permissions);
  }

  /** Asks the user's RBAC provider (see `#rbac`): answer; `false` without one. */
  async hasAnyPermission(user: unknown, permissions: string[]): Promise<boolean> {
    return this.#rbac(user).hasAnyPermission(user, permissions);
  }

  #sso(): ISSOProvider<unknown> | undefined {
    return this.providers.find(isSSOProvider);
  }

  #sessionProviders() {
    return this.providers.filter(isSessionProvider);
  }

  #userProviders() {
    return this.providers.filter(isUserProvider);
  }

  /**
   * RBAC for `user`: the `rbac` option when given (none for a user this composite did not
   * authenticate); else the provider that authenticated it when that provider does RBAC (a Cloud
   * user's permissions come from Cloud, a service user's from SimpleAuth), else the first RBAC
   * provider (CONTRACT section 3). Asking only the first would give every other provider's users
   * no permissions, and a Mastra server with `server.rbac` would refuse them all.
   */
  #rbac(user: unknown): IRBACProvider<unknown> {
    const authenticator = this.authenticatedBy(user);
    if (this.rbac !== undefined) return authenticator === undefined ? NO_RBAC : this.rbac;
    if (authenticator !== undefined && isRBACProvider(authenticator)) return authenticator;
    return this.providers.find(isRBACProvider) ?? NO_RBAC;
  }
}
