/**
 * Smoke test of `examples/mastra-app` (issue #7): its Node entry over real HTTP, its Workers entry
 * in workerd through `wrangler dev`, and its type-check, each against the Cloud emulator served
 * over HTTP. The example imports the package by name (`mastra-edge-auth`, which package.json
 * `exports` maps to dist/), so `npm run build` must have run first; CI builds before it tests.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import { type ServedHandler, serve } from '../../src/node/index.js';
import { type CloudEmulator, createCloudEmulator } from '../../src/testing/index.js';
import { startWranglerDev } from '../support/wrangler-dev.js';
import { WIRE } from '../wire.js';
import { CookieJar, navigate } from './cookie-jar.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/mastra-app/', import.meta.url));
const PROJECT_ID = 'proj_example_smoke';
const SERVICE_TOKEN = 'svc-example-token-0123456789abcdefghij';
const SESSION_SECRET = 'example-smoke-session-secret-0123456789abcdef';
const USER = { id: 'user_carol', email: 'carol@example.com', name: 'Carol', role: 'member' } as const;

interface RunningApp {
  url: string;
  close(): Promise<void>;
}
type Start = (options: { env: Record<string, string>; port: number }) => Promise<RunningApp>;
function isStart(value: unknown): value is Start {
  return typeof value === 'function';
}

let emulator: CloudEmulator;
let cloud: ServedHandler;

function appEnv(): Record<string, string> {
  return {
    PROJECT_ID,
    MASTRA_CLOUD_API_URL: cloud.url,
    MASTRA_CLOUD_WIRE: WIRE,
    SESSION_SECRET,
    BUSINESS_JWT_TOKEN: SERVICE_TOKEN,
    AUTH_COOKIE_SECURE: 'false',
  };
}

beforeAll(async () => {
  if (!existsSync(`${ROOT}dist/index.js`)) {
    throw new Error('examples/mastra-app imports mastra-edge-auth from dist/: run `npm run build` first');
  }
  emulator = createCloudEmulator({ wire: WIRE, projectId: PROJECT_ID, users: [USER] });
  cloud = await serve((request) => emulator.fetch(request));
});

afterAll(async () => {
  await cloud?.close();
});

/** The checks both entries must pass, against the app's origin. */
async function checkApp(url: string, expect: ExpectStatic): Promise<void> {
  expect((await fetch(`${url}/api/tools`)).status).toBe(401);
  const service = await fetch(`${url}/api/tools`, { headers: { authorization: `Bearer ${SERVICE_TOKEN}` } });
  expect(service.status).toBe(200);
  expect(await service.json()).toHaveProperty('echo');
  const cloudToken = emulator.issueToken(USER.id);
  expect(
    (await fetch(`${url}/api/tools`, { headers: { authorization: `Bearer ${cloudToken}` } })).status,
  ).toBe(200);
  expect(
    (await fetch(`${url}/api/tools`, { headers: { authorization: 'Bearer unknown-token' } })).status,
  ).toBe(401);

  const capabilities = (await (await fetch(`${url}/api/auth/capabilities`)).json()) as {
    login: { type: string };
  };
  // Mastra Cloud SSO, and the service-token sign-in form (SimpleAuth.signIn).
  expect(capabilities.login.type).toBe('both');

  const jar = new CookieJar();
  const login = await fetch(`${url}/api/auth/sso/login?redirect_uri=/after`);
  jar.store(login);
  const { url: loginUrl } = (await login.json()) as { url: string };
  expect(new URL(loginUrl).origin).toBe(cloud.url);
  const { hops } = await navigate(loginUrl, jar);
  expect(hops[1]?.location).toBe(`${url}/after`);
  // The page sign-in starts from and lands on (it asks /api/auth/me who is signed in).
  const home = await fetch(`${url}/`);
  expect(home.status).toBe(200);
  expect(home.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await home.text()).toContain('/api/auth/sso/login?redirect_uri=/');
  const cookie = jar.headerFor(`${url}/api/auth/me`) ?? '';
  expect(cookie).not.toBe('');
  expect((await fetch(`${url}/api/tools`, { headers: { cookie } })).status).toBe(200);
  expect(await (await fetch(`${url}/api/auth/me`, { headers: { cookie } })).json()).toEqual({
    id: USER.id,
    email: USER.email,
    name: USER.name,
  });

  // Studio's credentials form with the service token as the password: a sealed cookie, no token.
  const signIn = await fetch(`${url}/api/auth/credentials/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'studio@example.com', password: SERVICE_TOKEN }),
  });
  expect(signIn.status).toBe(200);
  const signInText = await signIn.text();
  expect(JSON.parse(signInText)).toEqual({ user: { id: 'business-api' } });
  expect(`${signInText}${signIn.headers.getSetCookie().join()}`).not.toContain(SERVICE_TOKEN);
  const serviceJar = new CookieJar();
  serviceJar.store(signIn);
  const serviceCookie = serviceJar.headerFor(`${url}/api/tools`) ?? '';
  expect(serviceJar.names()).toEqual(['mastra-token']);
  expect((await fetch(`${url}/api/tools`, { headers: { cookie: serviceCookie } })).status).toBe(200);
}

// Independent and slow (workerd, tsc): run side by side, each with its own `expect`.
describe.concurrent('examples/mastra-app', () => {
  it('node.ts serves the app with @mastra/hono on @hono/node-server', async ({ expect }) => {
    const entry = `${EXAMPLE}node.ts`;
    const mod: unknown = await import(/* @vite-ignore */ entry);
    const start: unknown = typeof mod === 'object' && mod !== null ? Reflect.get(mod, 'start') : undefined;
    if (!isStart(start)) throw new Error('examples/mastra-app/node.ts must export start()');
    const app = await start({ env: appEnv(), port: 0 });
    try {
      await checkApp(app.url, expect);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('worker.ts runs in workerd (wrangler dev, production mode) with the bindings as its environment', async ({
    expect,
  }) => {
    const worker = await wranglerDev(appEnv());
    try {
      await checkApp(worker.url, expect);
    } finally {
      await worker.close();
    }
  }, 180_000);

  it('type-checks against the package', async ({ expect }) => {
    const { code, output } = await run(process.execPath, [
      `${ROOT}node_modules/typescript/bin/tsc`,
      '-p',
      `${EXAMPLE}tsconfig.json`,
    ]);
    expect(output).toBe('');
    expect(code).toBe(0);
  }, 180_000);
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Starts `wrangler dev` on the example in Mastra's production mode (what `wrangler deploy` bakes in). */
function wranglerDev(vars: Record<string, string>): Promise<RunningApp> {
  return startWranglerDev({
    cwd: EXAMPLE,
    persistTo: `${EXAMPLE}.wrangler/state`,
    vars,
    extraArgs: ['--define', 'process.env.NODE_ENV:"production"'],
  });
}
