/**
 * Per-route permissions at the gateway (ROUTE_PERMISSIONS, `createGateway({ routePermissions })`),
 * with the default Cloud RBAC: in Node and in workerd (in-memory KV and Cloud).
 */
import { describe, expect, it } from 'vitest';
import { CloudApiError, ConfigError } from '../../src/errors/index.js';
import { createGateway } from '../../src/gateway/index.js';
import { parseRoutePermissions, requiredPermissions } from '../../src/gateway/route-permissions.js';
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { createHarness, jsonOf, SERVICE_TOKEN } from './harness.js';

const USERS = [
  { id: 'u_owner', email: 'owner@example.com', role: 'owner' as const },
  { id: 'u_viewer', email: 'viewer@example.com', role: 'viewer' as const },
  { id: 'u_member', email: 'member@example.com', role: 'member' as const },
];
const RULES =
  'POST /api/agents/*=agents:execute, DELETE /api/*=*:delete\nGET /api/secrets=secrets:read|*:admin';

describe('parseRoutePermissions', () => {
  it('reads method, path (trailing * = prefix) and any-of permissions', () => {
    expect(parseRoutePermissions(`${RULES}, /api/x=x:read`)).toEqual([
      { method: 'POST', path: '/api/agents/', prefix: true, permissions: ['agents:execute'] },
      { method: 'DELETE', path: '/api/', prefix: true, permissions: ['*:delete'] },
      { method: 'GET', path: '/api/secrets', prefix: false, permissions: ['secrets:read', '*:admin'] },
      { method: '*', path: '/api/x', prefix: false, permissions: ['x:read'] },
    ]);
    expect(parseRoutePermissions(undefined)).toEqual([]);
    expect(parseRoutePermissions(' , ')).toEqual([]);
  });

  it.each([
    'POST /api/agents/*',
    'POST api/agents=agents:execute',
    'POST /api/a b=agents:execute',
    'post! /api/x=a:b',
    'POST /api/x=',
    'POST /api/x=a||b',
    '/api/*x=a:b',
  ])('refuses %j with a ConfigError naming ROUTE_PERMISSIONS', (value) => {
    const error = (() => {
      try {
        parseRoutePermissions(value);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'ROUTE_PERMISSIONS' });
  });

  it('matches by method (GET covers HEAD) and by path, also as a lenient runner decodes it', () => {
    const rules = parseRoutePermissions(RULES);
    expect(requiredPermissions(rules, 'POST', '/api/agents/a/generate')).toEqual([['agents:execute']]);
    expect(requiredPermissions(rules, 'post', '/api/agents/a')).toEqual([['agents:execute']]);
    expect(requiredPermissions(rules, 'GET', '/api/agents/a')).toEqual([]);
    expect(requiredPermissions(rules, 'HEAD', '/api/secrets')).toEqual([['secrets:read', '*:admin']]);
    expect(requiredPermissions(rules, 'DELETE', '/api/agents/a')).toEqual([['*:delete']]);
    for (const path of [
      '/api/agents%2Fa',
      '/api/agents%2fa',
      '/api//agents/a',
      '/api/agents\\a',
      '/api%2Fagents/a',
    ]) {
      expect(requiredPermissions(rules, 'POST', path)).toEqual([['agents:execute']]);
    }
  });
});

describe('the gateway enforces route permissions', () => {
  const harness = (env: Record<string, unknown> = { ROUTE_PERMISSIONS: RULES }, options = {}) =>
    createHarness(new MemoryKVStore(), env, { users: USERS, ...options });
  const post = (token: string, path = '/api/agents/a/generate') => ({
    path,
    init: {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
      body: '{}',
    },
  });

  it('403 JSON for a viewer on a write route; the runner never sees it', async () => {
    const h = harness();
    const viewer = h.emulator.issueToken('u_viewer');
    const { path, init } = post(viewer);
    const refused = await h.send(path, init);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await jsonOf(refused)).toEqual({
      error: 'forbidden',
      message: 'Missing required permission: agents:execute',
    });
    const encoded = post(viewer, '/api/agents%2Fa');
    expect((await h.send(encoded.path, encoded.init)).status).toBe(403);
    expect(h.received).toHaveLength(0);
    // A route without a rule is the runner's business.
    const read = await h.send('/api/agents', { headers: { Authorization: `Bearer ${viewer}` } });
    expect(read.status).toBe(200);
  });

  it('admits roles whose mapped permissions cover the rule; service tokens are api (no delete)', async () => {
    const h = harness();
    for (const token of [
      h.emulator.issueToken('u_owner'),
      h.emulator.issueToken('u_member'),
      SERVICE_TOKEN,
    ]) {
      const { path, init } = post(token);
      expect((await h.send(path, init)).status).toBe(200);
    }
    const del = (token: string) =>
      h.send('/api/agents/a', { method: 'DELETE', headers: { Authorization: `Bearer ${token}` } });
    expect((await del(SERVICE_TOKEN)).status).toBe(403);
    expect((await del(h.emulator.issueToken('u_owner'))).status).toBe(200);
  });

  it('every matching rule must be met, and any permission of a rule is enough', async () => {
    const h = harness({ ROUTE_PERMISSIONS: `${RULES}, POST /api/agents/a/*=agents:publish|agents:admin` });
    const { path, init } = post(h.emulator.issueToken('u_member'));
    expect(await jsonOf(await h.send(path, init))).toMatchObject({
      message: 'Missing required permission: agents:publish or agents:admin',
    });
    // `secrets:read|*:admin`: the viewer's `*:read` covers the first.
    const secrets = await h.send('/api/secrets', {
      headers: { Authorization: `Bearer ${h.emulator.issueToken('u_viewer')}` },
    });
    expect(secrets.status).toBe(200);
  });

  it('a public path with a rule still needs a user with the permission', async () => {
    const h = harness({ PUBLIC_PATHS: '/api/*', ROUTE_PERMISSIONS: 'POST /api/agents/*=agents:execute' });
    expect((await h.send('/api/agents', { headers: { Accept: 'application/json' } })).status).toBe(200);
    const anonymous = await h.send('/api/agents/a', {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    expect(anonymous.status).toBe(401);
  });

  it('takes rules from the createGateway option too; a bad option throws at creation', async () => {
    const h = harness(
      {},
      { routePermissions: [{ method: 'POST', path: '/api/agents/*', permission: 'agents:execute' }] },
    );
    const { path, init } = post(h.emulator.issueToken('u_viewer'));
    expect((await h.send(path, init)).status).toBe(403);
    const s = harness({}, { routePermissions: 'POST /api/agents/*=agents:execute' });
    const again = post(s.emulator.issueToken('u_viewer'));
    expect((await s.send(again.path, again.init)).status).toBe(403);
    expect(() => createGateway({ routePermissions: [{ path: 'nope', permission: 'a:b' }] })).toThrow(
      ConfigError,
    );
    expect(() => createGateway({ routePermissions: 'POST /x' })).toThrow(ConfigError);
  });

  it('a malformed ROUTE_PERMISSIONS stops the gateway (500 naming it), health lists it', async () => {
    const h = harness({ ROUTE_PERMISSIONS: 'POST /api/x' });
    const { path, init } = post(SERVICE_TOKEN);
    const response = await h.send(path, init);
    expect(response.status).toBe(500);
    expect(await jsonOf(response)).toMatchObject({ error: 'misconfigured' });
    expect(await jsonOf(await h.send('/auth/health'))).toMatchObject({
      problems: [{ setting: 'ROUTE_PERMISSIONS' }],
    });
  });

  it('fails closed: an RBAC that cannot answer gives 503, never a pass', async () => {
    const appUser = { id: 'app-user' };
    const appAuth = {
      authenticateToken: async (token: string) => (token === 'app-token' ? appUser : null),
      authorizeUser: () => true,
      getPermissions: async () => {
        throw new CloudApiError('permissions unavailable', { status: 503 });
      },
      hasPermission: async () => {
        throw new CloudApiError('permissions unavailable', { status: 503 });
      },
      hasAnyPermission: async () => {
        throw new CloudApiError('permissions unavailable', { status: 503 });
      },
    };
    const h = harness({ ROUTE_PERMISSIONS: RULES, MASTRA_CLOUD_API_URL: undefined }, { userAuth: appAuth });
    const { path, init } = post('app-token');
    const response = await h.send(path, init);
    expect(response.status).toBe(503);
    expect(h.received).toHaveLength(0);
  });

  it('the roleMapping option replaces the default map', async () => {
    const h = harness({ ROUTE_PERMISSIONS: RULES }, { roleMapping: { viewer: ['agents:*'] } });
    const { path, init } = post(h.emulator.issueToken('u_viewer'));
    expect((await h.send(path, init)).status).toBe(200);
  });
});

describe('GET /auth/me', () => {
  it('adds the roles and permissions of the default Cloud mapping', async () => {
    const h = createHarness(new MemoryKVStore(), {}, { users: USERS });
    const me = async (token: string) =>
      jsonOf(await h.send('/auth/me', { headers: { Authorization: `Bearer ${token}` } }));
    expect(await me(h.emulator.issueToken('u_viewer'))).toMatchObject({
      user: { id: 'u_viewer' },
      roles: ['viewer'],
      permissions: ['*:read'],
    });
    expect(await me(SERVICE_TOKEN)).toMatchObject({
      user: { id: 'business-api' },
      roles: ['api'],
      permissions: ['*:read', '*:write', '*:execute'],
    });
  });
});
