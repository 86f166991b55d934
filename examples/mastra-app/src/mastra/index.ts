/**
 * A minimal Mastra app whose server is protected by `mastra-edge-auth`: service tokens, Mastra
 * Cloud users (SSO with PKCE, Cloud tokens) and, optionally, the app's own auth, combined by
 * `createCloudAuth`. Shared by the Node entry (`node.ts`) and the Workers entry (`worker.ts`).
 */
import { Mastra } from '@mastra/core/mastra';
import {
  type AuthStores,
  type CloudAuthEnv,
  type CreateCloudAuthOptions,
  createCloudAuth,
  type KVStore,
} from 'mastra-edge-auth';
import { echoTool } from './tools.js';

/** The deployment variables (Workers bindings or a Node `process.env`). */
export interface AppEnv extends CloudAuthEnv {
  /** `"false"` only for plain-http local development: no `Secure`, no `__Host-` cookie prefix. */
  AUTH_COOKIE_SECURE?: string;
}

export interface CreateMastraOptions {
  /** Shared store for the verify cache, sessions and revocation marks (Workers: `env.AUTH_KV`). */
  kv?: KVStore;
  /**
   * Where each shared state lives when not all in `kv`: e.g. `redisStores(...)` from
   * `mastra-edge-auth/node` for several Node processes behind a load balancer (see node.ts).
   */
  stores?: AuthStores;
  /** The app's own auth, asked after service tokens and Mastra Cloud. */
  userAuth?: CreateCloudAuthOptions['userAuth'];
}

/**
 * Builds the Mastra instance with `server.auth = createCloudAuth(env, ...)`.
 *
 * @param env - `PROJECT_ID`, `MASTRA_CLOUD_API_URL`, `SESSION_SECRET`, `BUSINESS_JWT_TOKEN`, ...
 * @param options - optional KV store and app auth
 */
export function createMastra(env: AppEnv, options: CreateMastraOptions = {}): Mastra {
  const auth = createCloudAuth(env, {
    userAuth: options.userAuth,
    cloudOptions: {
      ...(options.kv !== undefined && { kv: options.kv }),
      ...(options.stores !== undefined && { stores: options.stores }),
      cookies: { secure: env.AUTH_COOKIE_SECURE !== 'false' },
    },
  });
  return new Mastra({ tools: { echo: echoTool }, server: { auth } });
}
