/**
 * Duck-typing guards for the optional auth capabilities, with the same rules as the Mastra server.
 *
 * @see CONTRACT.md section 2 ("Duck-typing rules")
 * @module
 */
import type {
  IMastraAuthProvider,
  IRBACProvider,
  ISessionProvider,
  ISSOProvider,
  IUserProvider,
} from '../mastra/interfaces.js';

function hasMethods(value: unknown, ...names: string[]): boolean {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  return names.every((name) => typeof Reflect.get(value, name) === 'function');
}

/**
 * True when `value` implements SSO: `getLoginUrl` and `handleCallback` are functions.
 *
 * @param value - Any value; never throws for non-objects.
 */
export function isSSOProvider<T>(value: T): value is T & ISSOProvider<unknown> {
  return hasMethods(value, 'getLoginUrl', 'handleCallback');
}

/**
 * True when `value` implements sessions: `validateSession` and `createSession` are functions.
 *
 * @param value - Any value; never throws for non-objects.
 */
export function isSessionProvider<T>(value: T): value is T & ISessionProvider {
  return hasMethods(value, 'validateSession', 'createSession');
}

/**
 * True when `value` implements user look-ups: `getCurrentUser` is a function.
 *
 * @param value - Any value; never throws for non-objects.
 */
export function isUserProvider<T>(value: T): value is T & IUserProvider {
  return hasMethods(value, 'getCurrentUser');
}

/**
 * True when `value` implements RBAC: `getPermissions` and `hasPermission` are functions.
 *
 * @param value - Any value; never throws for non-objects.
 */
export function isRBACProvider<T>(value: T): value is T & IRBACProvider<unknown> {
  return hasMethods(value, 'getPermissions', 'hasPermission');
}

/**
 * True when `value` can be mounted as `server.auth`: `authenticateToken` and `authorizeUser` are functions.
 *
 * @param value - Any value; never throws for non-objects.
 */
export function isAuthProvider<T>(value: T): value is T & IMastraAuthProvider {
  return hasMethods(value, 'authenticateToken', 'authorizeUser');
}
