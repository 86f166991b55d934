/**
 * Starts a real Mastra HTTP server (`@mastra/core` + `@mastra/hono` on `@hono/node-server`) on
 * 127.0.0.1 with an ephemeral port, the way a hand-written Hono entry does it: `new Mastra(...)`,
 * `new MastraServer({ app, mastra })`, `await server.init()`, `serve({ fetch: app.fetch })`.
 * No LLM is involved: the only registered capability is a tool, which is enough for the protected
 * `GET /api/tools` routes to exist.
 *
 * @module
 */
import { serve } from '@hono/node-server';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { MastraServer } from '@mastra/hono';
import { Hono } from 'hono';

type MastraConfig = NonNullable<ConstructorParameters<typeof Mastra>[0]>;
type ServerConfig = NonNullable<MastraConfig['server']>;

/** What `server.auth` accepts in `@mastra/core` 1.71 (a provider object, checked by shape). */
export type ServerAuth = NonNullable<ServerConfig['auth']>;
/** What `server.rbac` accepts. */
export type ServerRbac = NonNullable<ServerConfig['rbac']>;

export interface StartMastraOptions {
  /** The provider mounted as `server.auth`; none: a server without auth (the benchmark's baseline). */
  auth?: ServerAuth;
  /**
   * Mounted as `server.rbac`. `GET /api/auth/me` reads roles and permissions only from here (never
   * from `server.auth`), and with it every built-in route also checks a derived permission
   * (`GET /api/tools` needs `tools:read`). Mastra refuses to start with it in production without
   * an EE licence.
   */
  rbac?: ServerRbac;
}

export interface RunningMastra {
  /** Origin of the server, e.g. `http://127.0.0.1:43121` (no trailing slash). */
  url: string;
  mastra: Mastra;
  /** Stops the server and drops kept-alive connections. */
  close(): Promise<void>;
}

/** A tool that answers without any model: `GET /api/tools` lists it. */
export const echoTool = createTool({
  id: 'echo',
  description: 'Returns its input.',
  execute: async (input) => input,
});

/**
 * Builds the Mastra instance and serves it over real HTTP on 127.0.0.1 (port 0).
 *
 * @param options - the auth provider (and optional RBAC provider) to mount
 * @returns the server's origin, the Mastra instance, and `close()`
 */
export async function startMastra(options: StartMastraOptions): Promise<RunningMastra> {
  const server: ServerConfig = options.auth === undefined ? {} : { auth: options.auth };
  if (options.rbac !== undefined) server.rbac = options.rbac;
  const mastra = new Mastra({ tools: { echo: echoTool }, server, logger: false });
  const app = new Hono();
  await new MastraServer({ app, mastra }).init();
  return listen(app.fetch, mastra);
}

async function listen(fetchHandler: (request: Request) => Response | Promise<Response>, mastra: Mastra) {
  const httpServer = serve({ fetch: fetchHandler, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('listening', resolve);
    httpServer.once('error', reject);
  });
  const address = httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    mastra,
    close: () =>
      new Promise<void>((resolve, reject) => {
        httpServer.close((error) => (error ? reject(error) : resolve()));
        if ('closeAllConnections' in httpServer) httpServer.closeAllConnections();
      }),
  };
}
