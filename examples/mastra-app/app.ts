/** The Hono app Mastra serves, shared by the Node entry and the Workers entry. */
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';
import { type AppEnv, type CreateMastraOptions, createMastra } from './src/mastra/index.js';

/**
 * Builds the app: every Mastra route under `/api`, `server.auth` from `createCloudAuth`.
 *
 * @param env - the deployment variables
 * @param options - optional KV store and app auth
 */
export async function createApp(env: AppEnv, options: CreateMastraOptions = {}): Promise<Hono> {
  const app = new Hono();
  await new MastraServer({ app, mastra: createMastra(env, options) }).init();
  return app;
}
