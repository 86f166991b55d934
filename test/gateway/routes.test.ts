/**
 * The router through `createGateway`, in Node and in workerd alike (in-memory KV, in-memory Cloud):
 * configuration failures, Cloud off, upstream variants, and errors no declared family covers.
 */

import { describe, expect, it } from 'vitest';
import { decodeUserHeader } from '../../src/gateway/identity.js';
import { AUTH_ROUTES, createGateway } from '../../src/gateway/index.js';
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { DEMO_USER } from '../../src/testing/index.js';
import { createHarness, jsonOf, SERVICE_TOKEN, SESSION_SECRET } from './harness.js';

const API = { Accept: 'application/json' };
const NAV = { Accept: 'text/html' };

describe('configuration', () => {
  it('refuses to serve with a missing SESSION_SECRET: 500 naming it on every route; health lists it', async () => {
    const h = createHarness(new MemoryKVStore(), { SESSION_SECRET: undefined });
    for (const path of ['/auth/login', '/auth/me', '/api/x']) {
      const response = await h.send(path, { headers: { ...API, Authorization: `Bearer ${SERVICE_TOKEN}` } });
      expect(response.status).toBe(500);
      expect(await jsonOf(response)).toEqual({
        error: 'misconfigured',
        message: 'The gateway is misconfigured: check SESSION_SECRET.',
      });
    }
    const health = await h.send('/auth/health');
    expect(health.status).toBe(500);
    expect(await jsonOf(health)).toEqual({
      ok: false,
      error: 'misconfigured',
      problems: [{ setting: 'SESSION_SECRET', message: expect.stringContaining('SESSION_SECRET') }],
    });
    expect(h.received).toHaveLength(0);
  });

  it('never shows a secret, not even a short one, in any answer', async () => {
    const h = createHarness(new MemoryKVStore(), { SESSION_SECRET: 'short-secret-value' });
    const text = await (await h.send('/auth/health')).text();
    expect(text).toContain('SESSION_SECRET');
    expect(text).not.toContain('short-secret-value');
  });

  it('reports its state on /auth/health without secrets', async () => {
    const h = createHarness(new MemoryKVStore(), { PUBLIC_PATHS: '/a,/b/*' });
    const response = await h.send('/auth/health');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      ok: true,
      cloudAuth: true,
      upstream: 'url',
      kv: true,
      secureCookies: true,
      publicPaths: 2,
      publicOrigin: 'https://gw.example',
      identitySigning: null,
      corsOrigins: 0,
      breaker: 'closed',
    });
    for (const secret of [SESSION_SECRET, SERVICE_TOKEN]) expect(text).not.toContain(secret);
  });

  it('serves every auth route with one method', () => {
    expect(Object.entries(AUTH_ROUTES).map(([path, route]) => `${route.method} ${path}`)).toEqual([
      'GET /auth/login',
      'GET /auth/callback',
      'POST /auth/logout',
      'GET /auth/me',
      'GET /auth/health',
      'GET /auth/signed-out',
      'GET /auth/jwks',
    ]);
  });
});

describe('without Cloud user auth', () => {
  const offline = () => createHarness(undefined, { MASTRA_CLOUD_API_URL: undefined, AUTH_KV: undefined });

  it('still admits service tokens, answers 404 on login routes, and 401 (not a redirect) to navigations', async () => {
    const h = offline();
    expect(
      (await h.send('/api/x', { headers: { ...API, Authorization: `Bearer ${SERVICE_TOKEN}` } })).status,
    ).toBe(200);
    for (const path of ['/auth/login', '/auth/callback?code=a&state=b']) {
      const response = await h.send(path);
      expect(response.status).toBe(404);
      expect(await jsonOf(response)).toMatchObject({ error: 'not_found' });
    }
    expect((await h.send('/agents', { headers: NAV })).status).toBe(401);
    const logout = await h.send('/auth/logout', { method: 'POST' });
    expect(await jsonOf(logout)).toEqual({ ok: true, logoutUrl: null, revocation: 'none' });
  });
});

describe('dev cookies', () => {
  it('uses plain names without Secure when AUTH_COOKIE_SECURE=false', async () => {
    const h = createHarness(new MemoryKVStore(), { AUTH_COOKIE_SECURE: 'false' });
    const login = await h.send('/auth/login');
    const [cookie] = login.headers.getSetCookie();
    expect(cookie).toMatch(/^mastra_login=/);
    expect(cookie).not.toMatch(/Secure/);
    const { response } = await h.browser().navigate('/');
    expect(response.status).toBe(200);
    expect(h.received[0]?.headers.get('X-Mastra-User-Id')).toBe(DEMO_USER.id);
  });
});

describe('upstream', () => {
  it('proxies through a service binding UPSTREAM, keeping the public URL', async () => {
    const seen: string[] = [];
    const UPSTREAM = {
      fetch: async (request: Request) => {
        seen.push(`${request.url} ${request.headers.get('X-Mastra-User-Id')}`);
        return new Response('from binding', { status: 201, headers: { 'X-Runner': '1' } });
      },
    };
    const h = createHarness(new MemoryKVStore(), { UPSTREAM });
    const response = await h.send('/api/x?y=1', { headers: { Authorization: `Bearer ${SERVICE_TOKEN}` } });
    expect(response.status).toBe(201);
    expect(response.headers.get('X-Runner')).toBe('1');
    expect(await response.text()).toBe('from binding');
    expect(seen).toEqual(['https://gw.example/api/x?y=1 business-api']);
  });

  it('passes the runner redirects and errors through untouched', async () => {
    const UPSTREAM = {
      fetch: async () => new Response(null, { status: 307, headers: { Location: '/elsewhere' } }),
    };
    const h = createHarness(new MemoryKVStore(), { UPSTREAM });
    const response = await h.send('/api/x', { headers: { Authorization: `Bearer ${SERVICE_TOKEN}` } });
    expect(response.status).toBe(307);
    expect(response.headers.get('Location')).toBe('/elsewhere');
  });

  it('answers 502 without detail when the runner cannot be reached', async () => {
    const UPSTREAM = {
      fetch: async () => {
        throw new TypeError('connect ECONNREFUSED 10.1.2.3:4111');
      },
    };
    const h = createHarness(new MemoryKVStore(), { UPSTREAM });
    const response = await h.send('/api/x', { headers: { Authorization: `Bearer ${SERVICE_TOKEN}` } });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('10.1.2.3');
    expect(h.reports.at(-1)).toMatchObject({ status: 502, reason: expect.stringContaining('ECONNREFUSED') });
  });
});

describe('the app auth', () => {
  it('forwards an app user as it is at each request, even when the app updates the same object', async () => {
    const user: { id: string; role: string } = { id: 'app-user', role: 'viewer' };
    const seen: unknown[] = [];
    const gateway = createGateway({
      userAuth: {
        authenticateToken: async (token: string) => (token === 'app-token' ? user : null),
        authorizeUser: () => true,
      },
      onError: () => {},
      fetch: async (input) => {
        const header = new Request(input).headers.get('X-Mastra-User');
        seen.push(header === null ? null : decodeUserHeader(header));
        return new Response('runner');
      },
    });
    const send = () =>
      gateway.fetch(
        new Request('https://gw.example/api/x', { headers: { Authorization: 'Bearer app-token' } }),
        {
          UPSTREAM_URL: 'http://runner.internal',
          SESSION_SECRET,
        },
      );
    expect((await send()).status).toBe(200);
    user.role = 'admin';
    expect((await send()).status).toBe(200);
    expect(seen).toEqual([
      { id: 'app-user', role: 'viewer' },
      { id: 'app-user', role: 'admin' },
    ]);
  });

  it('is asked last; its refusal to authorize is a 403; a user without an id is a plain 500', async () => {
    const appAuth = (user: unknown, authorize: boolean) => ({
      authenticateToken: async (token: string) => (token === 'app-token' ? user : null),
      authorizeUser: () => authorize,
    });
    const send = (auth: ReturnType<typeof appAuth>) =>
      createGateway({ userAuth: auth, onError: () => {}, fetch: async () => new Response('runner') }).fetch(
        new Request('https://gw.example/api/x', { headers: { Authorization: 'Bearer app-token' } }),
        { UPSTREAM_URL: 'http://runner.internal', SESSION_SECRET },
      );
    expect((await send(appAuth({ id: 'app-user' }, true))).status).toBe(200);
    expect((await send(appAuth({ id: 'app-user' }, false))).status).toBe(403);
    const broken = await send(appAuth({ name: 'no id' }, true));
    expect(broken.status).toBe(500);
    expect(await jsonOf(broken)).toEqual({ error: 'internal_error', message: 'Internal error.' });
  });
});
