/**
 * `CompositeAuth`, `SimpleAuth`, the capability guards and the deployment wiring
 * (`createCloudAuth`, `getAuthEntrypoint`). Sees only the Mastra interfaces, never a provider's internals.
 *
 * @see CONTRACT.md sections 3, 4, 5
 * @module
 */
export { type AuthEntrypointOptions, getAuthEntrypoint } from './auth-entrypoint.js';
export {
  CLOUD_AUTH_ENV_NAMES,
  type CloudAuthEnv,
  type CloudProviderConfig,
  type CloudProviderFactory,
} from './cloud-env.js';
export { CompositeAuth } from './composite-auth.js';
export type { AuthorizePolicy, CompositeAuthOptions } from './composite-options.js';
export { type CreateCloudAuthOptions, createCloudAuth, type ServiceUser } from './create-cloud-auth.js';
export {
  createGatewayIdentityAuth,
  GatewayIdentityAuth,
  type GatewayIdentityAuthOptions,
  type GatewayIdentityUser,
} from './gateway-identity-auth.js';
export {
  isAuthProvider,
  isRBACProvider,
  isSessionProvider,
  isSSOProvider,
  isUserProvider,
} from './guards.js';
export type { InvalidArgCode, InvalidArgError } from './invalid-arg.js';
export { SimpleAuth, type SimpleAuthOptions } from './simple-auth.js';
