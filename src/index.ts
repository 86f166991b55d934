/**
 * `mastra-edge-auth`: Mastra Cloud auth for Mastra runners at the edge or in Node.
 *
 * Everything public, from one import. Each room is also its own subpath
 * (`mastra-edge-auth/cloud-fetch`, `/kv-session`, `/provider`, `/composite`), and the test tools
 * (Cloud emulator, KV double) live in `mastra-edge-auth/testing`.
 *
 * @module
 */
export * from './cloud-fetch/index.js';
// Both rooms name their error hook type `ProviderErrorHandler`; the root keeps the composite's
// under that name and the Cloud provider's under a distinct one.
export type { ProviderErrorHandler } from './composite/index.js';
export * from './composite/index.js';
export * from './errors/index.js';
export * from './kv-session/index.js';
export * from './mastra/index.js';
export type { ProviderErrorHandler as CloudProviderErrorHandler } from './provider/index.js';
export * from './provider/index.js';
