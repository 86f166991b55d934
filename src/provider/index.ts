/**
 * `mastra-edge-auth/provider`: `MastraCloudAuthProvider` (Mastra Cloud user auth: Bearer tokens
 * and sealed session cookies verified through a cached Cloud verify, SSO with PKCE, sessions,
 * users, RBAC). Its building blocks (PKCE, sealing, cookies, the login flow) are internal; the
 * policy it shares with other rooms (return paths, cookie names, secret rule) is in `src/policy/`.
 *
 * @see CONTRACT.md sections 1 and 2; DESIGN.md "Sessions and cookies"
 * @module
 */
export {
  DEFAULT_CLOUD_ROLE_MAPPING,
  type RoleMapping,
  resolvePermissionsFromMapping,
} from '../policy/permissions.js';
export { MastraRBACCloud, type MastraRBACCloudOptions } from './cloud-rbac.js';
export { createMastraCloudAuthProvider, type MastraCloudProviderConfig } from './factory.js';
export {
  DEFAULT_SESSION_MAX_AGE_SECONDS,
  type MastraCloudAuthProviderOptions,
  type ProviderCacheOptions,
} from './options.js';
export { MastraCloudAuthProvider } from './provider.js';
export type { EndSessionOptions, RevocationOutcome } from './session.js';
export type { CloudCallbackResult } from './sso.js';
