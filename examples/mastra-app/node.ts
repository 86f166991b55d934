/**
 * Node entry: serves the app with `@mastra/hono` on `@hono/node-server`.
 *
 *   PROJECT_ID=... MASTRA_CLOUD_API_URL=https://cloud.mastra.ai SESSION_SECRET=... \
 *   BUSINESS_JWT_TOKEN=... npm start        (in examples/mastra-app)
 *
 * Several processes behind a load balancer: set REDIS_URL (and `npm install ioredis`) so the
 * verify cache, sessions, revocation marks and used login states are shared, and a logout through
 * one process is refused by every other at once (pub/sub).
 */
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import type { AppEnv, CreateMastraOptions } from './src/mastra/index.js';

export interface StartOptions extends CreateMastraOptions {
  env: AppEnv;
  /** Default 4111; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
}

/** A running app: its origin and a `close()`. */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** Starts the app over HTTP. */
export async function start(options: StartOptions): Promise<RunningApp> {
  const { env, port = 4111, hostname = '127.0.0.1', ...rest } = options;
  const app = await createApp(env, rest);
  const server = serve({ fetch: app.fetch, port, hostname });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${hostname}:${bound}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/**
 * With `REDIS_URL`: every shared state in Redis (`redisStores` from `mastra-edge-auth/node`).
 * ioredis is loaded only then (an optional peer dependency of mastra-edge-auth).
 */
export async function redisOption(redisUrl: string | undefined): Promise<CreateMastraOptions> {
  if (redisUrl === undefined || redisUrl === '') return {};
  const [{ Redis }, { redisStores }] = await Promise.all([
    import('ioredis'),
    import('mastra-edge-auth/node'),
  ]);
  // Commands have their own deadline in redisStores too; a client that retries forever would only queue.
  const client = new Redis(redisUrl, { commandTimeout: 1_000, maxRetriesPerRequest: 1 });
  return { stores: redisStores({ client, subscriber: client.duplicate() }) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await start({
    env: process.env,
    port: Number(process.env.PORT ?? 4111),
    ...(await redisOption(process.env.REDIS_URL)),
  });
  console.log(`Mastra app listening on ${url}`);
}
