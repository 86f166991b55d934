/**
 * Benchmark scenario: what a user might write instead of the gateway. Hono's `bearerAuth` with a
 * `verifyToken` callback that makes the same Cloud call (`MastraCloudClient.verifyToken`) and
 * keeps answers in a plain in-memory `Map` for the same 60 s, then proxies like the passthrough
 * Worker plus an `X-Mastra-User-Id` header. No KV tier, no revocation marks, no bound on the
 * map, a plain `===` for the service token: the difference to the gateway is what those cost.
 *
 * Bench-only (bundled by `scripts/bench.mjs`); never deployed.
 *
 * @module
 */
import { type Context, Hono } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { type CloudUser, MastraCloudClient } from '../src/cloud-fetch/index.js';

interface Env {
  UPSTREAM_URL: string;
  MASTRA_CLOUD_API_URL: string;
  PROJECT_ID: string;
  BUSINESS_JWT_TOKEN: string;
}

const TTL_MS = 60_000;
const SERVICE_USER = { id: 'business-api' };
const cache = new Map<string, { id: string; until: number }>();
let client: MastraCloudClient | undefined;

type AppEnv = { Bindings: Env; Variables: { userId: string } };

const app = new Hono<AppEnv>();

app.use(
  '*',
  bearerAuth({
    verifyToken: async (token: string, c: Context<AppEnv>) => {
      if (token === c.env.BUSINESS_JWT_TOKEN) {
        c.set('userId', SERVICE_USER.id);
        return true;
      }
      const hit = cache.get(token);
      if (hit !== undefined && hit.until > Date.now()) {
        c.set('userId', hit.id);
        return true;
      }
      client ??= new MastraCloudClient({ projectId: c.env.PROJECT_ID, baseUrl: c.env.MASTRA_CLOUD_API_URL });
      let user: CloudUser;
      try {
        ({ user } = await client.verifyToken(token));
      } catch {
        return false;
      }
      cache.set(token, { id: user.id, until: Date.now() + TTL_MS });
      c.set('userId', user.id);
      return true;
    },
  }),
);

app.all('*', (c) => {
  const incoming = new URL(c.req.url);
  const target = new URL(c.env.UPSTREAM_URL);
  target.pathname = incoming.pathname;
  target.search = incoming.search;
  const headers = new Headers(c.req.raw.headers);
  headers.set('X-Mastra-User-Id', c.get('userId'));
  const init: RequestInit = { method: c.req.method, headers, redirect: 'manual' };
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') init.body = c.req.raw.body;
  return fetch(new Request(target.href, init));
});

export default app;
