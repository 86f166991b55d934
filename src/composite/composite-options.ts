/**
 * The options of `CompositeAuth` and their validation.
 *
 * @module
 */
import type { ErrorHandler } from '../errors/index.js';
import type { IMastraAuthProvider, IRBACProvider } from '../mastra/interfaces.js';
import { isAuthProvider, isRBACProvider } from './guards.js';
import { invalidArg } from './invalid-arg.js';

/**
 * Who decides `authorizeUser`:
 * - `'authenticator'` (default): the provider that authenticated that user object;
 * - `'any'`: any provider may admit the user (one provider's permissive rule then admits another's users);
 * - `'all'`: every provider must admit the user (rejects users of a provider the others do not know).
 * With every policy, a user this instance did not authenticate is refused.
 */
export type AuthorizePolicy = 'authenticator' | 'any' | 'all';

/** Options of `CompositeAuth`. */
export interface CompositeAuthOptions {
  /** Default `'authenticator'`. */
  authorizePolicy?: AuthorizePolicy;
  /**
   * Each error a provider threw while the composite carried on, as an `ErrorReport` with
   * `source: 'composite'`, the provider's `name` (else `providers[<index>]`) and the method that
   * failed as `operation`. The composite logs nothing itself; a throwing handler is ignored.
   */
  onError?: ErrorHandler;
  /**
   * The RBAC that answers for every user this composite authenticated, instead of the providers'
   * own (e.g. `MastraRBACCloud`: roles mapped to permissions). Its `getAvailableRoles` and
   * `getPermissionsForRole` become the composite's, and it is readable as `composite.rbac`.
   * Default: each user's authenticating provider when it does RBAC, else the first RBAC provider.
   */
  rbac?: IRBACProvider<unknown>;
  /**
   * `true`: the SSO methods exist only when a provider does SSO, and the session methods only
   * when one does sessions, as in core's CompositeAuth, so Mastra Studio offers no SSO button
   * that cannot work. Default `false` (CONTRACT section 3: they exist and throw "No ... configured").
   */
  hideMissing?: boolean;
}

const POLICIES: readonly unknown[] = ['authenticator', 'any', 'all'];

/**
 * Check the constructor's arguments.
 *
 * @throws TypeError (`ERR_INVALID_ARG_TYPE` / `ERR_INVALID_ARG_VALUE`) naming the bad argument.
 */
export function checkCompositeArgs(
  providers: unknown,
  options: unknown,
): asserts options is CompositeAuthOptions {
  if (!Array.isArray(providers)) throw invalidArg('ERR_INVALID_ARG_TYPE', '"providers" must be an array');
  providers.forEach((provider: unknown, index) => {
    if (!isAuthProvider(provider)) {
      throw invalidArg(
        'ERR_INVALID_ARG_TYPE',
        `"providers[${index}]" must have authenticateToken and authorizeUser methods`,
      );
    }
  });
  if (typeof options !== 'object' || options === null) {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options" must be an object');
  }
  const policy: unknown = Reflect.get(options, 'authorizePolicy');
  if (policy !== undefined && !POLICIES.includes(policy)) {
    throw invalidArg('ERR_INVALID_ARG_VALUE', '"options.authorizePolicy" must be authenticator, any or all');
  }
  const onError: unknown = Reflect.get(options, 'onError');
  if (onError !== undefined && typeof onError !== 'function') {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.onError" must be a function');
  }
  const hideMissing: unknown = Reflect.get(options, 'hideMissing');
  if (hideMissing !== undefined && typeof hideMissing !== 'boolean') {
    throw invalidArg('ERR_INVALID_ARG_TYPE', '"options.hideMissing" must be a boolean');
  }
  const rbac: unknown = Reflect.get(options, 'rbac');
  if (rbac !== undefined && !isRBACProvider(rbac)) {
    throw invalidArg(
      'ERR_INVALID_ARG_TYPE',
      '"options.rbac" must be an RBAC provider (getPermissions and hasPermission)',
    );
  }
}

/** Each provider's name for error reports: its `name`, else `providers[<index>]`. */
export function providerNames(providers: readonly IMastraAuthProvider[]): Map<object, string> {
  const names = new Map<object, string>();
  providers.forEach((provider, index) => {
    const name = provider.name;
    if (!names.has(provider))
      names.set(provider, typeof name === 'string' && name !== '' ? name : `providers[${index}]`);
  });
  return names;
}

/** The RBAC answers without an RBAC provider: no roles, no permissions. */
export const NO_RBAC: IRBACProvider<unknown> = Object.freeze({
  getRoles: async () => [],
  hasRole: async () => false,
  getPermissions: async () => [],
  hasPermission: async () => false,
  hasAllPermissions: async (_user: unknown, permissions: string[]) => permissions.length === 0,
  hasAnyPermission: async () => false,
});
