/**
 * The optional members of `CompositeAuth`: those it takes from one of its providers (credentials
 * sign-in, profile URLs) or from its RBAC (Studio's "View as role"), and those `hideMissing`
 * removes. They are own properties, present only when a provider has them: the Mastra server
 * duck-types each one, so an always-present method that throws would advertise a login form or
 * a role list that cannot work. Internal: the class is the public surface.
 *
 * @see CONTRACT.md section 4b
 * @module
 */

import type {
  CredentialsResult,
  ICredentialsProvider,
  IMastraAuthProvider,
  IRBACProvider,
} from '../mastra/interfaces.js';
import { isSessionProvider, isSSOProvider } from './guards.js';

/** The credentials members a composite may carry (all or none of `signIn`/`isSignUpEnabled`). */
export interface CredentialMembers {
  signIn?: ICredentialsProvider['signIn'];
  signUp?: NonNullable<ICredentialsProvider['signUp']>;
  isSignUpEnabled?: () => boolean;
  requestPasswordReset?: NonNullable<ICredentialsProvider['requestPasswordReset']>;
  resetPassword?: NonNullable<ICredentialsProvider['resetPassword']>;
}

/** The RBAC extras a composite may carry, from its RBAC provider. */
export interface RbacExtras {
  getAvailableRoles?: NonNullable<IRBACProvider['getAvailableRoles']>;
  getPermissionsForRole?: NonNullable<IRBACProvider['getPermissionsForRole']>;
}

/**
 * The credentials members of the first provider with a `signIn` function (core's rule: one
 * provider answers them all, so a sign-up never lands in another provider than the sign-in).
 * `isSignUpEnabled` is the provider's own, else `true` when it has `signUp` (core's default) and
 * `false` when it has none (core says `true`, and Studio would offer a sign-up that answers 404).
 *
 * @param providers - the composite's providers, in order
 * @param remember - records which provider vouched for a signed-in user
 * @returns the members to install; empty when no provider signs in with credentials
 */
export function credentialMembers(
  providers: readonly IMastraAuthProvider[],
  remember: (user: unknown, provider: IMastraAuthProvider) => void,
): CredentialMembers {
  const provider = providers.find(isCredentialsProvider);
  if (provider === undefined) return {};
  const vouched = (result: CredentialsResult): CredentialsResult => {
    if (typeof result !== 'object' || result === null) throw new TypeError('the sign-in gave no result');
    remember(result.user, provider);
    return result;
  };
  const members: CredentialMembers = {
    signIn: async (email, password, request) => vouched(await provider.signIn(email, password, request)),
  };
  const { signUp, isSignUpEnabled, requestPasswordReset, resetPassword } = provider;
  if (typeof signUp === 'function') {
    members.signUp = async (email, password, name, request) =>
      vouched(await Reflect.apply(signUp, provider, [email, password, name, request]));
  }
  const hasSignUp = members.signUp !== undefined;
  members.isSignUpEnabled =
    typeof isSignUpEnabled === 'function'
      ? () => Reflect.apply(isSignUpEnabled, provider, []) === true
      : () => hasSignUp;
  if (typeof requestPasswordReset === 'function') {
    members.requestPasswordReset = async (email) => {
      await Reflect.apply(requestPasswordReset, provider, [email]);
    };
  }
  if (typeof resetPassword === 'function') {
    members.resetPassword = async (token, newPassword) => {
      await Reflect.apply(resetPassword, provider, [token, newPassword]);
    };
  }
  return members;
}

/** `getAvailableRoles` / `getPermissionsForRole` of `rbac`, bound, when it has them. */
export function rbacExtras(rbac: IRBACProvider<unknown> | undefined): RbacExtras {
  const extras: RbacExtras = {};
  const { getAvailableRoles, getPermissionsForRole } = rbac ?? {};
  if (typeof getAvailableRoles === 'function') {
    extras.getAvailableRoles = async () => Reflect.apply(getAvailableRoles, rbac, []);
  }
  if (typeof getPermissionsForRole === 'function') {
    extras.getPermissionsForRole = async (role) => Reflect.apply(getPermissionsForRole, rbac, [role]);
  }
  return extras;
}

/** Core's duck-typing rule: `signIn` is a function. */
function isCredentialsProvider(
  provider: IMastraAuthProvider,
): provider is IMastraAuthProvider & ICredentialsProvider {
  return typeof Reflect.get(provider, 'signIn') === 'function';
}

const SSO_MEMBERS = [
  'getLoginUrl',
  'getLoginCookies',
  'handleCallback',
  'getLoginButtonConfig',
  'getLogoutUrl',
  'setCallbackCookieHeader',
];
const SESSION_MEMBERS = [
  'createSession',
  'validateSession',
  'refreshSession',
  'destroySession',
  'getSessionIdFromRequest',
  'getSessionHeaders',
];

/**
 * Shadows the SSO methods when no provider does SSO, and the session methods when none does
 * sessions, with `undefined` own properties, so duck-typing sees them absent (core's rule).
 */
export function hideMissingMembers(target: object, providers: readonly IMastraAuthProvider[]): void {
  const hidden = [
    ...(providers.some(isSSOProvider) ? [] : SSO_MEMBERS),
    ...(providers.some(isSessionProvider) ? [] : SESSION_MEMBERS),
  ];
  for (const name of hidden) Object.defineProperty(target, name, { value: undefined });
}

/** `provider.getUserProfileUrl(user)` when it has one and answers a string, else `''`. */
export function profileUrl(provider: IMastraAuthProvider | undefined, user: unknown): string {
  const method: unknown = provider && Reflect.get(provider, 'getUserProfileUrl');
  if (typeof method !== 'function') return '';
  const url: unknown = Reflect.apply(method, provider, [user]);
  return typeof url === 'string' ? url : '';
}
