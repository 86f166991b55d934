/**
 * The Cloudflare Worker gateway: auth routes under `/auth`, and an authenticated proxy to the
 * Mastra runner that sets a signed `X-Mastra-Identity` (and `X-Mastra-User-Id` / `X-Mastra-User`).
 * `worker.ts` is its entry.
 *
 * @see DESIGN.md "The gateway", "Failure semantics"
 * @module
 */
export { IDENTITY_HEADER } from '../crypto/identity-assertion.js';
export { AuthStoreObject } from './auth-store-object.js';
export { createGateway, type Gateway, type GatewayOptions } from './gateway.js';
export { decodeUserHeader, type ForwardedUser, USER_HEADER, USER_ID_HEADER } from './identity.js';
export { AUTH_ROUTES } from './routes.js';
