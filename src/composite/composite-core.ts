import type { ErrorHandler } from '../errors/index.js';
import { reportError } from '../errors/report.js';
import type { IMastraAuthProvider, MastraAuthRequest, PathRule } from '../mastra/interfaces.js';
import { firstAnswer, isObjectLike, type Reporter, resourceIdFor } from './composite-delegation.js';
import {
  type AuthorizePolicy,
  type CompositeAuthOptions,
  checkCompositeArgs,
  providerNames,
} from './composite-options.js';

/**
 * The identity half of `CompositeAuth`: authentication in provider order, authorization by the
 * provider that authenticated the user, resource ids, path rules and markers. `CompositeAuth`
 * adds the SSO, session, user and RBAC delegation; use that class.
 *
 * @see CONTRACT.md section 3
 */
export abstract class CompositeAuthCore implements IMastraAuthProvider {
  readonly name: string = 'composite';
  /** The providers, in the order they are asked (a frozen copy). */
  readonly providers: readonly IMastraAuthProvider[];
  protected?: PathRule[];
  public?: PathRule[];
  /**
   * Defined only when a provider defines one (the Mastra server answers 500 when it returns an
   * empty value): asks the provider that authenticated the user, else uses `user.id`.
   *
   * @throws ConfigError (`setting` `mapUserToResourceId`) when neither gives a non-empty string.
   */
  readonly mapUserToResourceId?: (user: unknown) => string;

  readonly #policy: AuthorizePolicy;
  readonly #onError: ErrorHandler | undefined;
  readonly #names: Map<object, string>;
  readonly #authenticators = new WeakMap<object, IMastraAuthProvider>();
  /** Hands a provider error to `onError`; for the delegating methods. */
  protected readonly report: Reporter = (error, provider, operation) =>
    this.#reportError(error, provider, operation);

  /**
   * @param providers - Asked in this order; each needs `authenticateToken` and `authorizeUser`.
   * @param options - See {@link CompositeAuthOptions}.
   * @throws TypeError (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) naming the bad argument.
   */
  constructor(providers: readonly IMastraAuthProvider[], options: CompositeAuthOptions = {}) {
    checkCompositeArgs(providers, options);
    this.providers = Object.freeze([...providers]);
    this.#policy = options.authorizePolicy ?? 'authenticator';
    this.#onError = options.onError;
    this.#names = providerNames(this.providers);
    const protectedRules = this.providers.flatMap((provider) => provider.protected ?? []);
    const publicRules = this.providers.flatMap((provider) => provider.public ?? []);
    if (protectedRules.length > 0) this.protected = protectedRules;
    if (publicRules.length > 0) this.public = publicRules;
    if (this.providers.some((provider) => typeof provider.mapUserToResourceId === 'function')) {
      this.mapUserToResourceId = (user) => resourceIdFor(user, this.authenticatedBy(user));
    }
  }

  /** True when any provider carries `isMastraCloudAuth === true`. */
  get isMastraCloudAuth(): boolean {
    return this.providers.some((provider) => Reflect.get(provider, 'isMastraCloudAuth') === true);
  }

  /** True when any provider carries `isSimpleAuth === true`. */
  get isSimpleAuth(): boolean {
    return this.providers.some((provider) => Reflect.get(provider, 'isSimpleAuth') === true);
  }

  /**
   * Ask each provider in order (token and request passed unchanged); the first user wins.
   *
   * @returns The user, or `null` when every provider said no (or threw a non-outage error).
   * @throws The first `unavailable` error (`isUnavailable`) when no provider accepted and one was down;
   *   else the first `misconfigured` one (e.g. Cloud refused the project id).
   */
  async authenticateToken(token: string, request: MastraAuthRequest): Promise<unknown> {
    const answer = await firstAnswer(this.providers, 'authenticateToken', this.report, (provider) =>
      provider.authenticateToken(token, request),
    );
    if (!answer) return null;
    this.remember(answer.value, answer.provider);
    return answer.value;
  }

  /**
   * Decide with the configured {@link AuthorizePolicy}. Users this instance did not authenticate
   * (including primitives, which cannot be remembered) are refused.
   *
   * @throws What the deciding provider throws (`'any'`: the first `unavailable` error when nobody admitted).
   */
  async authorizeUser(user: unknown, request: MastraAuthRequest): Promise<boolean> {
    const authenticator = this.authenticatedBy(user);
    if (!authenticator) return false;
    if (this.#policy === 'authenticator') return (await authenticator.authorizeUser(user, request)) === true;
    if (this.#policy === 'all') {
      for (const provider of this.providers) {
        if ((await provider.authorizeUser(user, request)) !== true) return false;
      }
      return true;
    }
    const yes = await firstAnswer(this.providers, 'authorizeUser', this.report, async (provider) =>
      (await provider.authorizeUser(user, request)) === true ? true : null,
    );
    return yes !== null;
  }

  /**
   * The provider that authenticated this user object (through `authenticateToken` or
   * `getCurrentUser`), for a gateway that needs to know who vouched for a user.
   */
  authenticatedBy(user: unknown): IMastraAuthProvider | undefined {
    return isObjectLike(user) ? this.#authenticators.get(user) : undefined;
  }

  /** Remember who authenticated `user` (objects only: primitives cannot be told apart). */
  protected remember(user: unknown, provider: IMastraAuthProvider): void {
    if (isObjectLike(user)) this.#authenticators.set(user, provider);
  }

  #reportError(error: unknown, provider: object, operation: string): void {
    reportError(this.#onError, error, {
      source: 'composite',
      provider: this.#names.get(provider) ?? 'unknown',
      operation,
    });
  }
}
