/**
 * `mastra-edge-auth`: Mastra Cloud auth for Mastra runners at the edge or in Node.
 *
 * The root is what the README teaches: `createCloudAuth` and the providers it combines, the KV
 * adapter, and the errors. Everything else is a subpath, one per room: `mastra-edge-auth/errors`,
 * `/cloud-fetch` (the Cloud API client), `/kv-session` (verify cache, sessions, revocation),
 * `/provider` (`MastraCloudAuthProvider`), `/composite`, `/gateway` (the Worker gateway),
 * `/testing` (Cloud emulator, KV double) and `/node` (Node HTTP adapter).
 * `test/package/exports.node.test.ts` pins every entry point's names.
 *
 * @module
 */
export {
  type AuthEntrypointOptions,
  type AuthorizePolicy,
  type CloudAuthEnv,
  CompositeAuth,
  type CompositeAuthOptions,
  type CreateCloudAuthOptions,
  createCloudAuth,
  getAuthEntrypoint,
  type ServiceUser,
  SimpleAuth,
  type SimpleAuthOptions,
} from './composite/index.js';
export * from './errors/index.js';
export { type AuthStores, asKVStore, type KVStore } from './kv-session/index.js';
export type { IMastraAuthProvider, MastraAuthRequest, User } from './mastra/index.js';
export { MastraCloudAuthProvider, type MastraCloudAuthProviderOptions } from './provider/index.js';
