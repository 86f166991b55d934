/**
 * `mastra-edge-auth/provider`: `MastraCloudAuthProvider` (Mastra Cloud user auth: Bearer tokens
 * and sealed session cookies verified through a cached Cloud verify, SSO with PKCE, sessions,
 * users, RBAC) and its pure building blocks (PKCE, sealing, cookies, return paths, permissions).
 *
 * @see CONTRACT.md sections 1 and 2; DESIGN.md "Sessions and cookies"
 * @module
 */
export {
  type CookieOptions,
  clearProviderCookie,
  MAX_COOKIE_BYTES,
  providerCookie,
  readCookie,
  serializeCookie,
} from './cookies.js';
export { createMastraCloudAuthProvider, type MastraCloudProviderConfig } from './factory.js';
export {
  type BeginLoginInput,
  type BegunLogin,
  beginLogin,
  type CompletedLogin,
  type CompleteLoginInput,
  completeLogin,
  LOGIN_FLOW_TTL_SECONDS,
  type LoginFlowDeps,
} from './flow.js';
export {
  DEFAULT_SESSION_MAX_AGE_SECONDS,
  type MastraCloudAuthProviderOptions,
  type ProviderCacheOptions,
  type ProviderErrorContext,
  type ProviderErrorHandler,
} from './options.js';
export { computeS256Challenge, createPkcePair, type PkcePair } from './pkce.js';
export { MastraCloudAuthProvider } from './provider.js';
export {
  hasAllPermissions,
  hasAnyPermission,
  hasPermission,
  permissionMatches,
  rolesOf,
} from './rbac.js';
export { Sealer, type SealPurpose } from './seal.js';
export type { CloudCallbackResult } from './sso.js';
export { KvUsedStateLedger, MemoryUsedStateLedger, type UsedStateLedger } from './used-state.js';
