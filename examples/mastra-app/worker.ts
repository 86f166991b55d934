/**
 * Cloudflare Workers entry: the same app, with the bindings as its environment and Workers KV as
 * the shared store. See wrangler.toml for the `import.meta.url` define Mastra needs there.
 */
import type { ExecutionContext, Hono } from 'hono';
import type { KVStore } from 'mastra-edge-auth';
import { createApp } from './app.js';
import type { AppEnv } from './src/mastra/index.js';

export interface Env extends AppEnv {
  /** Workers KV namespace: verify cache, sessions, revocation marks. */
  AUTH_KV?: KVStore;
}

let ready: Hono | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    // Built on first use, inside a request (bindings are only known here). Requests racing a cold
    // start each build their own app rather than await a promise another request created, which
    // workerd does not allow to be shared safely.
    ready ??= await createApp(env, env.AUTH_KV === undefined ? {} : { kv: env.AUTH_KV });
    return ready.fetch(request, env, ctx);
  },
};
