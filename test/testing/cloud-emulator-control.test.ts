import { describe, expect, it } from 'vitest';
import {
  type CloudEmulatorOptions,
  createCloudEmulator,
  DEMO_USER,
  EMULATOR_ROUTES,
} from '../../src/testing/index.js';
import {
  API,
  APP_CALLBACK,
  apiHeaders,
  authorize,
  BASE,
  exchange,
  expectError,
  login,
  okData,
  PROJECT,
  pkcePair,
  setup,
} from './cloud-emulator-helpers.js';

const CONTROL = `${BASE}/__emulator`;

function control(
  cloud: ReturnType<typeof setup>['cloud'],
  action: string,
  body?: unknown,
  method = 'POST',
): Promise<Response> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.headers = { 'Content-Type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  return cloud.fetcher(`${CONTROL}/${action}`, init);
}

function verify(cloud: ReturnType<typeof setup>['cloud'], token: string): Promise<Response> {
  return cloud.fetcher(`${API}/auth/verify`, {
    method: 'POST',
    headers: apiHeaders(token),
    redirect: 'manual',
  });
}

describe('counters and log', () => {
  it('counts requests per route, all of them when no route is given', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    await login(cloud);
    await verify(cloud, token);
    await verify(cloud, 'bad');
    await cloud.fetcher(`${API}/auth/verify`, { method: 'POST' });
    await cloud.fetcher(`${API}/unknown`);
    expect(cloud.calls('oss')).toBe(1);
    expect(cloud.calls('callback')).toBe(1);
    expect(cloud.calls('verify')).toBe(3);
    expect(cloud.calls('users.get')).toBe(0);
    expect(cloud.calls()).toBe(6);
  });

  it('logs method, path, route and status, never tokens or query strings', async () => {
    const { cloud } = setup();
    const { jwt } = await login(cloud);
    await verify(cloud, jwt);
    await cloud.fetcher(`${API}/auth/verify?token=${jwt}`, { method: 'POST', headers: apiHeaders(jwt) });
    await cloud.fetcher(`${API}/nothing`);
    expect(cloud.log).toEqual([
      { method: 'GET', path: '/auth/oss', route: 'oss', status: 302 },
      { method: 'POST', path: '/api/v1/auth/callback', route: 'callback', status: 200 },
      { method: 'POST', path: '/api/v1/auth/verify', route: 'verify', status: 200 },
      { method: 'POST', path: '/api/v1/auth/verify', route: 'verify', status: 400 },
      { method: 'GET', path: '/api/v1/nothing', route: 'unknown', status: 404 },
    ]);
    expect(JSON.stringify(cloud.log)).not.toContain(jwt);
  });

  it('hands out a snapshot of the log that callers cannot change', async () => {
    const { cloud } = setup();
    await verify(cloud, 'x');
    const log = cloud.log as Array<unknown>;
    log.length = 0;
    expect(cloud.log).toHaveLength(1);
    expect(Object.isFrozen(cloud.log[0])).toBe(true);
  });

  it('does not count control API calls', async () => {
    const { cloud } = setup();
    await control(cloud, 'counts', undefined, 'GET');
    expect(cloud.calls()).toBe(0);
    expect(cloud.log).toEqual([]);
  });
});

describe('log bound', () => {
  it('keeps the newest 10,000 entries however many requests came', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    await verify(cloud, token); // the oldest entry, which must fall out
    for (let i = 0; i < 20_050; i++) await cloud.fetcher(`${API}/unknown`);
    await verify(cloud, token);
    expect(cloud.log).toHaveLength(10_000);
    expect(cloud.log.at(-1)).toMatchObject({ route: 'verify', status: 200 });
    expect(cloud.log.filter((entry) => entry.route === 'verify')).toHaveLength(1);
    expect(cloud.calls()).toBe(20_052);
  });
});

describe('reset', () => {
  it('clears tokens, codes, sessions, faults, counters and log, restoring configured users', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    const { verifier, challenge } = await pkcePair();
    const { code } = await authorize(cloud, challenge);
    cloud.addUser({ id: 'extra', email: 'extra@example.com', role: 'viewer' });
    cloud.setLoginUser('extra');
    cloud.injectFault({ kind: 'http_error', status: 500, route: 'users.get' });
    cloud.reset();
    expect(cloud.calls()).toBe(0);
    expect(cloud.log).toEqual([]);
    await expectError(await verify(cloud, token), 401, 'invalid_token');
    await expectError(
      await exchange(cloud, { code, code_verifier: verifier, redirect_uri: APP_CALLBACK }),
      400,
      'invalid_grant',
    );
    expect(() => cloud.issueToken('extra')).toThrow(TypeError);
    const fresh = cloud.issueToken(DEMO_USER.id);
    await okData(await cloud.fetcher(`${API}/users/${DEMO_USER.id}`, { headers: apiHeaders(fresh) }));
    const { user } = await login(cloud);
    expect(user.id).toBe(DEMO_USER.id);
  });
});

describe('control API (/__emulator/)', () => {
  it('POST tokens issues a token, with an optional TTL', async () => {
    const { cloud, clock } = setup();
    const { token } = await okData(await control(cloud, 'tokens', { userId: DEMO_USER.id, ttlSeconds: 10 }));
    if (typeof token !== 'string') throw new Error('no token');
    expect((await okData(await verify(cloud, token))).expires_at).toBe(
      new Date(clock.ms + 10_000).toISOString(),
    );
  });

  it('POST revoke revokes a token', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    expect(await okData(await control(cloud, 'revoke', { token }))).toEqual({});
    await expectError(await verify(cloud, token), 401, 'invalid_token');
  });

  it('POST users adds a user (createdAt as ISO string) and POST login-user picks who signs in', async () => {
    const { cloud } = setup();
    const user = {
      id: 'u2',
      email: 'u2@example.com',
      role: 'admin',
      createdAt: '2024-01-02T03:04:05.000Z',
      metadata: { a: 1 },
    };
    await okData(await control(cloud, 'users', user));
    await okData(await control(cloud, 'login-user', { userId: 'u2' }));
    const { user: wire } = await login(cloud);
    expect(wire).toEqual({
      id: 'u2',
      email: 'u2@example.com',
      role: 'admin',
      created_at: '2024-01-02T03:04:05.000Z',
      metadata: { a: 1 },
    });
  });

  it('POST faults injects and DELETE faults clears', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    await okData(await control(cloud, 'faults', { kind: 'http_error', status: 503, route: 'verify' }));
    await expectError(await verify(cloud, token), 503, 'service_unavailable');
    await okData(await control(cloud, 'faults', undefined, 'DELETE'));
    await okData(await verify(cloud, token));
  });

  it('GET counts answers every route, and POST reset zeroes them', async () => {
    const { cloud } = setup();
    await verify(cloud, 'x');
    await verify(cloud, 'y');
    const counts = await okData(await control(cloud, 'counts', undefined, 'GET'));
    expect(Object.keys(counts).sort()).toEqual([...EMULATOR_ROUTES].sort());
    expect(counts).toMatchObject({ verify: 2, oss: 0 });
    await okData(await control(cloud, 'reset'));
    expect(await okData(await control(cloud, 'counts', undefined, 'GET'))).toMatchObject({ verify: 0 });
  });

  it.each<[string, string, unknown, number, string]>([
    ['tokens', 'POST', { userId: 'ghost' }, 404, 'not_found'],
    ['tokens', 'POST', { userId: '' }, 400, 'invalid_request'],
    ['tokens', 'POST', { userId: DEMO_USER.id, ttlSeconds: 0 }, 400, 'invalid_request'],
    ['tokens', 'POST', { userId: DEMO_USER.id, extra: 1 }, 400, 'invalid_request'],
    ['revoke', 'POST', { token: 5 }, 400, 'invalid_request'],
    ['login-user', 'POST', { userId: 'ghost' }, 404, 'not_found'],
    ['users', 'POST', { id: 'x', email: 'not-an-email', role: 'owner' }, 400, 'invalid_request'],
    ['users', 'POST', { id: 'x', email: 'x@example.com', role: 'god' }, 400, 'invalid_request'],
    [
      'users',
      'POST',
      { id: 'x', email: 'x@example.com', role: 'owner', createdAt: 'yesterday' },
      400,
      'invalid_request',
    ],
    ['faults', 'POST', { kind: 'explode' }, 400, 'invalid_request'],
    ['faults', 'POST', [], 400, 'invalid_body'],
    ['counts', 'POST', {}, 405, 'method_not_allowed'],
    ['nothing', 'POST', {}, 404, 'not_found'],
  ])('POST %s refuses a bad body or method', async (action, method, body, status, code) => {
    const { cloud } = setup();
    await expectError(await control(cloud, action, body, method), status, code);
  });

  it('needs JSON with Content-Type: application/json', async () => {
    const { cloud } = setup();
    const bad = await cloud.fetcher(`${CONTROL}/tokens`, {
      method: 'POST',
      body: JSON.stringify({ userId: DEMO_USER.id }),
    });
    await expectError(bad, 400, 'invalid_content_type');
    const broken = await cloud.fetcher(`${CONTROL}/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{',
    });
    await expectError(broken, 400, 'invalid_json');
  });

  it('is absent with controlApi: false', async () => {
    const { cloud } = setup({ controlApi: false });
    await expectError(await control(cloud, 'reset'), 404, 'not_found');
  });
});

describe('API misuse', () => {
  it.each<[string, Partial<CloudEmulatorOptions>, RegExp]>([
    ['empty projectId', { projectId: '' }, /options\.projectId/],
    ['apiPrefix with trailing slash', { apiPrefix: '/api/' }, /options\.apiPrefix/],
    ['apiPrefix without slash', { apiPrefix: 'api' }, /options\.apiPrefix/],
    ['zero tokenTtlSeconds', { tokenTtlSeconds: 0 }, /options\.tokenTtlSeconds/],
    ['fractional codeTtlSeconds', { codeTtlSeconds: 1.5 }, /options\.codeTtlSeconds/],
    ['negative sessionTtlSeconds', { sessionTtlSeconds: -1 }, /options\.sessionTtlSeconds/],
    ['no users', { users: [] }, /options\.users/],
    ['a user without email', { users: [{ id: 'a', role: 'owner' } as never] }, /options\.users\[0\]\.email/],
    [
      'duplicate users',
      {
        users: [
          { id: 'a', email: 'a@x.y', role: 'owner' },
          { id: 'a', email: 'b@x.y', role: 'viewer' },
        ],
      },
      /options\.users\[1\]\.id/,
    ],
    ['an unknown loginUserId', { loginUserId: 'ghost' }, /options\.loginUserId/],
    ['negative latencyMs', { latencyMs: -5 }, /options\.latencyMs/],
    ['a non-function now', { now: 5 as never }, /options\.now/],
  ])('createCloudEmulator rejects %s with a TypeError naming the option', (_name, options, message) => {
    expect(() => createCloudEmulator({ projectId: PROJECT, ...options })).toThrow(TypeError);
    expect(() => createCloudEmulator({ projectId: PROJECT, ...options })).toThrow(message);
  });

  it('rejects bad arguments to the methods', () => {
    const { cloud } = setup();
    expect(() => cloud.issueToken('ghost')).toThrow(TypeError);
    expect(() => cloud.issueToken(DEMO_USER.id, { ttlSeconds: -1 })).toThrow(/ttlSeconds/);
    expect(() => cloud.setLoginUser('ghost')).toThrow(TypeError);
    expect(() => cloud.addUser({ id: '', email: 'a@b.c', role: 'owner' })).toThrow(/user\.id/);
    expect(() =>
      cloud.addUser({ id: 'a', email: 'a@b.c', role: 'owner', createdAt: new Date(Number.NaN) }),
    ).toThrow(/createdAt/);
  });

  it('lets addUser replace a user, and copies it (later changes to the object do not leak in)', async () => {
    const { cloud } = setup();
    const user = { id: DEMO_USER.id, email: 'new@example.com', role: 'viewer' as const, metadata: { n: 1 } };
    cloud.addUser(user);
    user.metadata.n = 2;
    const token = cloud.issueToken(DEMO_USER.id);
    const data = await okData(await verify(cloud, token));
    expect(data.user).toMatchObject({ email: 'new@example.com', role: 'viewer', metadata: { n: 1 } });
  });
});
