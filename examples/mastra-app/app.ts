/** The Hono app Mastra serves, shared by the Node entry and the Workers entry. */
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import { HOME_PAGE } from './src/home.js';
import { type AppEnv, type CreateMastraOptions, createMastra } from './src/mastra/index.js';

/**
 * Builds the app: every Mastra route under `/api`, `server.auth` from `createCloudAuth`, and a
 * home page at `/` (where sign-in starts and ends).
 *
 * @param env - the deployment variables
 * @param options - optional KV store and app auth
 */
export async function createApp(env: AppEnv, options: CreateMastraOptions = {}): Promise<Hono> {
  const app = new Hono();
  app.get('/', (c) => c.html(HOME_PAGE));
  await new MastraServer({ app, mastra: createMastra(env, options) }).init();
  return app;
}
