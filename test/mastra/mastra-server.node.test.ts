/**
 * Issue #7: the package mounted as `server.auth` in a real Mastra HTTP server (`@mastra/core`
 * 1.71 + `@mastra/hono` on `@hono/node-server`), with the Cloud emulator served over real HTTP as
 * `MASTRA_CLOUD_API_URL`. Requests go over the network like a browser's; no LLM is involved.
 * What the server does with a provider is written up in ./FINDINGS.md.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCloudAuth } from '../../src/composite/index.js';
import type { IMastraAuthProvider, MastraAuthRequest } from '../../src/mastra/index.js';
import { getRequestHeader } from '../../src/mastra/index.js';
import { type ServedHandler, serve } from '../../src/node/index.js';
import { type CloudEmulator, createCloudEmulator } from '../../src/testing/index.js';
import { CookieJar, navigate } from './cookie-jar.js';
import { type RunningMastra, startMastra } from './harness.js';

const PROJECT_ID = 'proj_mastra_it';
const BUSINESS_TOKEN = 'svc-business-token-0123456789abcdef';
const PLAYGROUND_TOKEN = 'svc-playground-token-0123456789abcdef';
const SESSION_SECRET = 'mastra-it-session-secret-0123456789abcdefghij';
const ALICE = { id: 'user_alice', email: 'alice@example.com', name: 'Alice', role: 'admin' } as const;
const BOB = { id: 'user_bob', email: 'bob@example.com', name: 'Bob', role: 'viewer' } as const;
const CAROL = { id: 'user_carol', email: 'carol@example.com', name: 'Carol', role: 'owner' } as const;

/** The app's own auth, as a Mastra user would write it: tokens of its own, its own rule. */
interface AppUser {
  id: string;
  kind: 'app';
  allowed: boolean;
}
const APP_USERS: Record<string, AppUser> = {
  'app-token-allowed': { id: 'app_allowed', kind: 'app', allowed: true },
  'app-token-denied': { id: 'app_denied', kind: 'app', allowed: false },
};
function isAppUser(user: unknown): user is AppUser {
  return typeof user === 'object' && user !== null && Reflect.get(user, 'kind') === 'app';
}
function createAppAuth(seen: unknown[]): IMastraAuthProvider<AppUser> {
  return {
    name: 'app-auth',
    async authenticateToken(token: string, request: MastraAuthRequest) {
      const candidate = token !== '' ? token : (getRequestHeader(request, 'x-app-token') ?? '');
      return Object.hasOwn(APP_USERS, candidate) ? (APP_USERS[candidate] ?? null) : null;
    },
    authorizeUser(user: AppUser) {
      seen.push(user);
      // Its own rule: only its users, and only those marked allowed.
      return isAppUser(user) && user.allowed;
    },
  };
}

let cloud: ServedHandler;
let emulator: CloudEmulator;
/** `server: { auth }`: the plain wiring. */
let server: RunningMastra;
/** `server: { auth, rbac: auth }`: what `/api/auth/me` needs for roles and permissions. */
let rbacServer: RunningMastra;
const appAuthorized: unknown[] = [];
const restore: Array<() => Promise<void> | void> = [];

function env() {
  return {
    PROJECT_ID,
    MASTRA_CLOUD_API_URL: cloud.url,
    BUSINESS_JWT_TOKEN: BUSINESS_TOKEN,
    PLAYGROUND_JWT_TOKEN: PLAYGROUND_TOKEN,
    SESSION_SECRET,
  };
}

/** The wiring under test: `createCloudAuth(env, { userAuth })`, plain-http dev cookies. */
function cloudAuth() {
  return createCloudAuth(env(), {
    userAuth: createAppAuth(appAuthorized),
    cloudOptions: { cookies: { secure: false } },
  });
}

beforeAll(async () => {
  emulator = createCloudEmulator({
    projectId: PROJECT_ID,
    users: [ALICE, BOB, CAROL],
    loginUserId: ALICE.id,
  });
  cloud = await serve((request) => emulator.fetch(request));
  server = await startMastra({ auth: cloudAuth() });
  const auth = cloudAuth();
  rbacServer = await startMastra({ auth, rbac: auth });
});

afterAll(async () => {
  await server?.close();
  await rbacServer?.close();
  await cloud?.close();
});

afterEach(async () => {
  for (const undo of restore.splice(0).reverse()) await undo();
});

function get(path: string, headers: Record<string, string> = {}, on: RunningMastra = server) {
  return fetch(`${on.url}${path}`, { headers, redirect: 'manual' });
}

/** Signs in through the real SSO flow and returns the browser's jar. */
async function signIn(returnTo = '/after', on: RunningMastra = server) {
  const jar = new CookieJar();
  const login = await fetch(`${on.url}/api/auth/sso/login?redirect_uri=${encodeURIComponent(returnTo)}`);
  jar.store(login);
  const { url } = (await login.json()) as { url: string };
  const { hops } = await navigate(url, jar);
  return { jar, hops, url };
}

describe('protected route GET /api/tools', () => {
  it('is 401 without credentials', async () => {
    const response = await get('/api/tools');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Invalid or expired token' });
  });

  it('is 200 with a service token as Bearer, and with the playground token in X-Playground-Access', async () => {
    const bearer = await get('/api/tools', { authorization: `Bearer ${BUSINESS_TOKEN}` });
    expect(bearer.status).toBe(200);
    expect(await bearer.json()).toHaveProperty('echo');
    const playground = await get('/api/tools', { 'x-playground-access': PLAYGROUND_TOKEN });
    expect(playground.status).toBe(200);
  });

  it('is 200 with a Cloud token, as Bearer and as ?apiKey=', async () => {
    const token = emulator.issueToken(ALICE.id);
    expect((await get('/api/tools', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get(`/api/tools?apiKey=${encodeURIComponent(token)}`)).status).toBe(200);
  });

  it('is 401 with a revoked Cloud token and with an unknown token', async () => {
    const revoked = emulator.issueToken(BOB.id);
    emulator.revokeToken(revoked);
    expect((await get('/api/tools', { authorization: `Bearer ${revoked}` })).status).toBe(401);
    expect((await get('/api/tools', { authorization: 'Bearer not-a-known-token' })).status).toBe(401);
    expect((await get('/api/tools', { 'x-playground-access': 'not-a-known-token' })).status).toBe(401);
  });
});

describe('SSO through the Mastra routes', () => {
  it('GET /api/auth/sso/login answers { url } at the emulator with PKCE and sets the flow cookie', async () => {
    const response = await fetch(`${server.url}/api/auth/sso/login?redirect_uri=/after`);
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    const login = new URL(url);
    expect(login.origin).toBe(cloud.url);
    expect(login.pathname).toBe('/auth/oss');
    const q = login.searchParams;
    expect(q.get('project_id')).toBe(PROJECT_ID);
    expect(q.get('redirect_uri')).toBe(`${server.url}/api/auth/sso/callback`);
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toMatch(/\|%2Fafter$/);
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/HttpOnly/i);
    expect(cookies[0]).not.toContain(q.get('code_challenge'));
  });

  it('the callback completes the login, sets the session cookie and lands on /after', async () => {
    const { jar, hops } = await signIn('/after');
    expect(hops.map((hop) => [new URL(hop.url).origin, new URL(hop.url).pathname, hop.status])).toEqual([
      [cloud.url, '/auth/oss', 302],
      [server.url, '/api/auth/sso/callback', 302],
      [server.url, '/after', 404],
    ]);
    const callback = hops[1];
    expect(callback?.location).toBe(`${server.url}/after`);
    expect(callback?.setCookies.length).toBeGreaterThanOrEqual(2);
    // Only the session cookie is left: the flow cookie was deleted by the callback.
    expect(jar.names()).toHaveLength(1);
  });

  it('the session cookie alone opens protected routes, and GET /api/auth/me returns the user', async () => {
    const { jar } = await signIn();
    const cookie = jar.headerFor(`${server.url}/api/tools`) ?? '';
    expect((await get('/api/tools', { cookie })).status).toBe(200);
    const me = await get('/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    // Without server.rbac Mastra adds no roles or permissions (see the rbac server below).
    expect(await me.json()).toEqual({ id: ALICE.id, email: ALICE.email, name: ALICE.name });
  });

  it('POST /api/auth/logout clears the cookie, and the old cookie is refused afterwards', async () => {
    const { jar } = await signIn();
    const oldCookie = jar.headerFor(`${server.url}/api/tools`) ?? '';
    const logout = await fetch(`${server.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: oldCookie, origin: server.url },
    });
    expect(logout.status).toBe(200);
    expect(await logout.json()).toMatchObject({ success: true });
    jar.store(logout);
    expect(jar.names()).toEqual([]);
    expect((await get('/api/tools', { cookie: oldCookie })).status).toBe(401);
    expect(await (await get('/api/auth/me', { cookie: oldCookie })).json()).toBeNull();
  });

  it('a failed callback redirects with an error that carries no code or token', async () => {
    const { url } = (await (await fetch(`${server.url}/api/auth/sso/login?redirect_uri=/after`)).json()) as {
      url: string;
    };
    // The browser comes back without the flow cookie (e.g. another browser).
    const { hops } = await navigate(url, new CookieJar());
    const callback = hops[1];
    expect(callback?.status).toBe(302);
    const location = new URL(callback?.location ?? '');
    expect(location.pathname).toBe('/after');
    const error = location.searchParams.get('error') ?? '';
    expect(error).not.toBe('');
    const code = new URL(hops[0]?.location ?? '').searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    expect(error).not.toContain(code);
    expect(callback?.setCookies.some((c) => /^[^=]+=[^;]+;/.test(c) && !/max-age=0/i.test(c))).toBe(false);
  });
});

describe('with server.rbac = auth (roles and permissions from Cloud)', () => {
  it('GET /api/auth/me returns the user with roles and permissions', async () => {
    const { jar } = await signIn('/after', rbacServer);
    const cookie = jar.headerFor(`${rbacServer.url}/api/auth/me`) ?? '';
    const me = await get('/api/auth/me', { cookie }, rbacServer);
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({
      id: ALICE.id,
      email: ALICE.email,
      name: ALICE.name,
      roles: ['admin'],
      permissions: ['*:read', '*:write', '*:execute'],
    });
  });

  it('Mastra enforces the Cloud permissions per route (viewer may read, not execute)', async () => {
    const execute = (token: string) =>
      fetch(`${rbacServer.url}/api/tools/echo/execute`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ data: { hello: 'world' } }),
      });
    const viewer = emulator.issueToken(BOB.id);
    expect((await get('/api/tools', { authorization: `Bearer ${viewer}` }, rbacServer)).status).toBe(200);
    const refused = await execute(viewer);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'Forbidden' });
    const admin = await execute(emulator.issueToken(ALICE.id));
    expect(admin.status).toBe(200);
  });

  // Regression: the composite used to ask only the first RBAC provider (Cloud), which gives a
  // service user no permissions, so Mastra's route check answered 403 "Missing required permission".
  it('a service token still opens protected routes', async () => {
    const response = await get('/api/tools', { authorization: `Bearer ${BUSINESS_TOKEN}` }, rbacServer);
    expect(await response.json()).toHaveProperty('echo');
    expect(response.status).toBe(200);
  });
});

describe('default Cloud RBAC (CONTRACT 4b) through the server', () => {
  it('GET /api/auth/me gives a viewer its role and the mapped permissions', async () => {
    const viewer = emulator.issueToken(BOB.id);
    const me = await get('/api/auth/me', { authorization: `Bearer ${viewer}` }, rbacServer);
    expect(await me.json()).toEqual({
      id: BOB.id,
      email: BOB.email,
      name: BOB.name,
      roles: ['viewer'],
      permissions: ['*:read'],
    });
  });

  it('a viewer gets 403 on a write (execute) route from the server’s own permission check', async () => {
    const refused = await fetch(`${rbacServer.url}/api/tools/echo/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.issueToken(BOB.id)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data: {} }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'Forbidden',
      message: 'Missing required permission: tools:execute',
    });
  });

  it('a viewer gets 403 on a write route (POST /api/memory/threads needs memory:write)', async () => {
    const create = (token: string) =>
      fetch(`${rbacServer.url}/api/memory/threads?agentId=none`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resourceId: 'r1', threadId: 't1' }),
      });
    const refused = await create(emulator.issueToken(BOB.id));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'Forbidden',
      message: 'Missing required permission: memory:write',
    });
    // An admin passes the permission check (the app has no memory configured, so no 403).
    expect((await create(emulator.issueToken(ALICE.id))).status).not.toBe(403);
  });
});

describe('Studio’s "View as role" through the composite’s RBAC extras', () => {
  it('an owner lists the roles (capabilities) and reads one role’s permissions', async () => {
    const owner = { authorization: `Bearer ${emulator.issueToken(CAROL.id)}` };
    const capabilities = (await (await get('/api/auth/capabilities', owner, rbacServer)).json()) as {
      access: { roles: string[]; permissions: string[] };
      availableRoles: Array<{ id: string; name: string }>;
    };
    expect(capabilities.access).toEqual({ roles: ['owner'], permissions: ['*'] });
    // Core leaves out roles with admin-bypass permissions (owner: `*`).
    expect(capabilities.availableRoles.map((role) => role.id)).toEqual(['admin', 'api', 'member', 'viewer']);
    const viewerRole = await get('/api/auth/roles/viewer/permissions', owner, rbacServer);
    expect(await viewerRole.json()).toEqual({ roleId: 'viewer', permissions: ['*:read'] });
    const asViewer = { authorization: `Bearer ${emulator.issueToken(BOB.id)}` };
    expect((await get('/api/auth/roles/viewer/permissions', asViewer, rbacServer)).status).toBe(403);
  });
});

describe('credentials login with a service token (Studio’s sign-in form)', () => {
  async function credentialsSignIn(password: string, on: RunningMastra = rbacServer) {
    return fetch(`${on.url}/api/auth/credentials/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'studio@example.com', password }),
    });
  }

  it('signs in, sets a cookie without the token, and the cookie alone opens the API', async () => {
    const response = await credentialsSignIn(PLAYGROUND_TOKEN);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ user: { id: 'business-api' } });
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^mastra-token=[^;]+; Max-Age=86400; Path=\/; HttpOnly; SameSite=Lax$/);
    for (const leaked of [text, ...cookies]) {
      expect(leaked).not.toContain(PLAYGROUND_TOKEN);
      expect(leaked).not.toContain(BUSINESS_TOKEN);
    }
    const jar = new CookieJar();
    jar.store(response);
    const cookie = jar.headerFor(`${rbacServer.url}/api/tools`) ?? '';
    expect((await get('/api/tools', { cookie }, rbacServer)).status).toBe(200);
    const me = await get('/api/auth/me', { cookie }, rbacServer);
    expect(await me.json()).toEqual({
      id: 'business-api',
      roles: ['api'],
      permissions: ['*:read', '*:write', '*:execute'],
    });
    // And on the server without RBAC.
    const plain = new CookieJar();
    plain.store(await credentialsSignIn(BUSINESS_TOKEN, server));
    expect(
      (await get('/api/tools', { cookie: plain.headerFor(`${server.url}/api/tools`) ?? '' })).status,
    ).toBe(200);
  });

  it('refuses a wrong token with 401 and sets no cookie; sign-up is refused', async () => {
    const refused = await credentialsSignIn('not-a-service-token');
    expect(refused.status).toBe(401);
    expect(refused.headers.getSetCookie()).toEqual([]);
    const signUp = await fetch(`${rbacServer.url}/api/auth/credentials/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new@example.com', password: 'whatever' }),
    });
    expect(signUp.status).toBe(400);
  });

  it('logout clears the sign-in cookie', async () => {
    const jar = new CookieJar();
    jar.store(await credentialsSignIn(BUSINESS_TOKEN));
    expect(jar.names()).toEqual(['mastra-token']);
    const cookie = jar.headerFor(`${rbacServer.url}/api/auth/logout`) ?? '';
    const logout = await fetch(`${rbacServer.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(logout.status).toBe(200);
    jar.store(logout);
    expect(jar.names()).toEqual([]);
  });
});

describe('the app’s own auth as userAuth', () => {
  it('keeps working, and its own authorizeUser decides for its users', async () => {
    appAuthorized.length = 0;
    expect((await get('/api/tools', { authorization: 'Bearer app-token-allowed' })).status).toBe(200);
    expect((await get('/api/tools', { 'x-app-token': 'app-token-allowed' })).status).toBe(200);
    const denied = await get('/api/tools', { authorization: 'Bearer app-token-denied' });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({ error: 'Access denied' });
    expect(appAuthorized.map((user) => (isAppUser(user) ? user.id : '?'))).toEqual([
      'app_allowed',
      'app_allowed',
      'app_denied',
    ]);
  });

  it('is not asked about Cloud users or service tokens', async () => {
    appAuthorized.length = 0;
    const token = emulator.issueToken(BOB.id);
    expect((await get('/api/tools', { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await get('/api/tools', { authorization: `Bearer ${BUSINESS_TOKEN}` })).status).toBe(200);
    expect(appAuthorized).toEqual([]);
  });
});

describe('production mode (NODE_ENV=production, no licence)', () => {
  async function productionServer(auth: Parameters<typeof startMastra>[0]['auth']) {
    const previous = { NODE_ENV: process.env.NODE_ENV, MASTRA_DEV: process.env.MASTRA_DEV };
    process.env.NODE_ENV = 'production';
    delete process.env.MASTRA_DEV;
    restore.push(() => {
      for (const [name, value] of Object.entries(previous)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });
    expect(process.env.MASTRA_LICENSE_KEY ?? process.env.MASTRA_EE_LICENSE).toBeUndefined();
    // No server.rbac: Mastra refuses RBAC in production without a licence.
    const running = await startMastra({ auth });
    restore.push(() => running.close());
    return running;
  }

  it('GET /api/auth/capabilities still advertises the Mastra Cloud login, and the service-token form', async () => {
    const running = await productionServer(cloudAuth());
    const response = await fetch(`${running.url}/api/auth/capabilities`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      enabled: boolean;
      login: { type: string; signUpEnabled: boolean; sso: Record<string, unknown> };
    };
    expect(body.enabled).toBe(true);
    expect(body.login.type).toBe('both');
    expect(body.login.signUpEnabled).toBe(false);
    expect(body.login.sso.url).toBe('/api/auth/sso/login');
    expect(typeof body.login.sso.text).toBe('string');
  });

  // README "Known limits" used to say: service tokens only -> a "Sign in" (SSO) button that fails.
  it('with service tokens only: a credentials form and no SSO button', async () => {
    const running = await productionServer(createCloudAuth({ BUSINESS_JWT_TOKEN: BUSINESS_TOKEN }));
    const body: unknown = await (await fetch(`${running.url}/api/auth/capabilities`)).json();
    expect(body).toEqual({ enabled: true, login: { type: 'credentials', signUpEnabled: false } });
    expect((await fetch(`${running.url}/api/auth/sso/login`)).status).toBe(404);
  });
});
