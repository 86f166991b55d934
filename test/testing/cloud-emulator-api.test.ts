import { describe, expect, it } from 'vitest';
import { DEMO_USER, ROLE_PERMISSIONS } from '../../src/testing/index.js';
import { API, apiHeaders, expectError, jsonPost, login, okData, setup } from './cloud-emulator-helpers.js';

const post = (token?: string): RequestInit => ({ method: 'POST', headers: apiHeaders(token) });
const get = (token?: string): RequestInit => ({ headers: apiHeaders(token) });

describe('POST {prefix}/auth/verify', () => {
  it('answers { user, expires_at } for a valid token', async () => {
    const { cloud, clock } = setup();
    const token = cloud.issueToken(DEMO_USER.id, { ttlSeconds: 120 });
    const data = await okData(await cloud.fetcher(`${API}/auth/verify`, post(token)));
    expect(data).toEqual({
      user: {
        id: DEMO_USER.id,
        email: DEMO_USER.email,
        name: DEMO_USER.name,
        role: 'owner',
        created_at: new Date(clock.ms).toISOString(),
      },
      expires_at: new Date(clock.ms + 120_000).toISOString(),
    });
  });

  it('answers 401 invalid_token for an unknown or revoked token', async () => {
    const { cloud } = setup();
    await expectError(await cloud.fetcher(`${API}/auth/verify`, post('unknown-token')), 401, 'invalid_token');
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.revokeToken(token);
    await expectError(await cloud.fetcher(`${API}/auth/verify`, post(token)), 401, 'invalid_token');
  });

  it('answers 401 token_expired once the clock reaches the expiry', async () => {
    const { cloud, clock } = setup({ tokenTtlSeconds: 60 });
    const token = cloud.issueToken(DEMO_USER.id);
    clock.advance(59);
    await okData(await cloud.fetcher(`${API}/auth/verify`, post(token)));
    clock.advance(1);
    await expectError(await cloud.fetcher(`${API}/auth/verify`, post(token)), 401, 'token_expired');
  });

  it('issues distinct random tokens', () => {
    const { cloud } = setup();
    const tokens = new Set(Array.from({ length: 50 }, () => cloud.issueToken(DEMO_USER.id)));
    expect(tokens.size).toBe(50);
  });

  it('honours a custom apiPrefix', async () => {
    const { cloud } = setup({ apiPrefix: '/v9' });
    const token = cloud.issueToken(DEMO_USER.id);
    await okData(await cloud.fetcher('https://cloud.test/v9/auth/verify', post(token)));
    await expectError(await cloud.fetcher(`${API}/auth/verify`, post(token)), 404, 'not_found');
  });
});

describe('POST {prefix}/auth/session/validate and /destroy', () => {
  it('validates the session of a login token', async () => {
    const { cloud } = setup();
    const { jwt, session } = await login(cloud);
    const data = await okData(await cloud.fetcher(`${API}/auth/session/validate`, post(jwt)));
    expect(data).toEqual({ session });
  });

  it('refuses unknown, expired and ended sessions', async () => {
    const { cloud, clock } = setup({ tokenTtlSeconds: 600, sessionTtlSeconds: 60 });
    await expectError(
      await cloud.fetcher(`${API}/auth/session/validate`, post('nope')),
      401,
      'invalid_token',
    );
    const token = cloud.issueToken(DEMO_USER.id);
    clock.advance(60);
    await expectError(await cloud.fetcher(`${API}/auth/session/validate`, post(token)), 401, 'token_expired');
    clock.advance(540);
    await expectError(await cloud.fetcher(`${API}/auth/session/validate`, post(token)), 401, 'token_expired');
  });

  it('destroys the session and revokes its token', async () => {
    const { cloud } = setup();
    const { jwt, session } = await login(cloud);
    const data = await okData(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({ sessionId: session.id }, jwt)),
    );
    expect(data).toEqual({});
    await expectError(await cloud.fetcher(`${API}/auth/session/validate`, post(jwt)), 401, 'invalid_token');
    await expectError(await cloud.fetcher(`${API}/auth/verify`, post(jwt)), 401, 'invalid_token');
  });

  it('lets a user end another of their own sessions', async () => {
    const { cloud } = setup();
    const first = await login(cloud);
    const second = await login(cloud);
    await okData(
      await cloud.fetcher(
        `${API}/auth/session/destroy`,
        jsonPost({ sessionId: first.session.id }, second.jwt),
      ),
    );
    await expectError(await cloud.fetcher(`${API}/auth/verify`, post(first.jwt)), 401, 'invalid_token');
    await okData(await cloud.fetcher(`${API}/auth/verify`, post(second.jwt)));
  });

  it("refuses another user's session (403) and an unknown one (404), leaving tokens valid", async () => {
    const { cloud } = setup();
    cloud.addUser({ id: 'other', email: 'other@example.com', role: 'member' });
    const mine = await login(cloud);
    const theirs = cloud.issueToken('other');
    await expectError(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({ sessionId: mine.session.id }, theirs)),
      403,
      'forbidden',
    );
    await expectError(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({ sessionId: 'sess_x' }, theirs)),
      404,
      'not_found',
    );
    await okData(await cloud.fetcher(`${API}/auth/verify`, post(mine.jwt)));
  });

  it('needs a valid token and a { sessionId } body', async () => {
    const { cloud } = setup();
    const { jwt, session } = await login(cloud);
    await expectError(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({ sessionId: session.id }, 'bad')),
      401,
      'invalid_token',
    );
    await expectError(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({}, jwt)),
      400,
      'invalid_request',
    );
    await expectError(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({ sessionId: 1 }, jwt)),
      400,
      'invalid_request',
    );
    await expectError(
      await cloud.fetcher(`${API}/auth/session/destroy`, jsonPost({ session_id: session.id }, jwt)),
      400,
      'invalid_request',
    );
  });
});

describe('GET {prefix}/users/{userId} and /permissions', () => {
  const odd = 'auth0|ü ser@x/y';

  it('answers any valid user with the user, the id percent-encoded', async () => {
    const { cloud, clock } = setup();
    cloud.addUser({ id: odd, email: 'odd@example.com', role: 'member' });
    const token = cloud.issueToken(DEMO_USER.id);
    const data = await okData(await cloud.fetcher(`${API}/users/${encodeURIComponent(odd)}`, get(token)));
    expect(data).toEqual({
      user: {
        id: odd,
        email: 'odd@example.com',
        role: 'member',
        created_at: new Date(clock.ms).toISOString(),
      },
    });
  });

  it('answers 404 not_found for an absent user and 401 for a bad token', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    await expectError(await cloud.fetcher(`${API}/users/ghost`, get(token)), 404, 'not_found');
    await expectError(await cloud.fetcher(`${API}/users/${DEMO_USER.id}`, get('bad')), 401, 'invalid_token');
  });

  it('refuses an id that was not percent-encoded', async () => {
    const { cloud } = setup();
    cloud.addUser({ id: 'a@b', email: 'ab@example.com', role: 'member' });
    const token = cloud.issueToken(DEMO_USER.id);
    await expectError(await cloud.fetcher(`${API}/users/a@b`, get(token)), 400, 'invalid_path');
    await expectError(await cloud.fetcher(`${API}/users/%E0%A4%A`, get(token)), 400, 'invalid_path');
    await okData(await cloud.fetcher(`${API}/users/a%40b`, get(token)));
  });

  it.each(['owner', 'admin', 'member', 'viewer'] as const)(
    'answers the %s role permissions to the user itself',
    async (role) => {
      const { cloud } = setup();
      cloud.addUser({ id: odd, email: 'odd@example.com', role });
      const token = cloud.issueToken(odd);
      const data = await okData(
        await cloud.fetcher(`${API}/users/${encodeURIComponent(odd)}/permissions`, get(token)),
      );
      expect(data).toEqual({ permissions: ROLE_PERMISSIONS[role] });
    },
  );

  it('has the documented role table', () => {
    expect(ROLE_PERMISSIONS).toEqual({
      owner: ['*'],
      admin: ['*:read', '*:write', '*:execute'],
      member: ['*:read', '*:execute'],
      viewer: ['*:read'],
    });
  });

  it("refuses another user's token (403), absent users included", async () => {
    const { cloud } = setup();
    cloud.addUser({ id: 'other', email: 'other@example.com', role: 'viewer' });
    const token = cloud.issueToken('other');
    await expectError(
      await cloud.fetcher(`${API}/users/${DEMO_USER.id}/permissions`, get(token)),
      403,
      'forbidden',
    );
    await expectError(await cloud.fetcher(`${API}/users/ghost/permissions`, get(token)), 403, 'forbidden');
    await expectError(
      await cloud.fetcher(`${API}/users/other/permissions`, get('bad')),
      401,
      'invalid_token',
    );
  });
});

describe('routing', () => {
  it.each([
    `${API}/auth/verify/`,
    `${API}/users/`,
    `${API}/users/a/b`,
    `${API}/nothing`,
    'https://cloud.test/auth/oss/',
    'https://cloud.test/',
  ])('answers 404 not_found for %s', async (url) => {
    const { cloud } = setup();
    await expectError(
      await cloud.fetcher(url, { headers: apiHeaders(), redirect: 'manual' }),
      404,
      'not_found',
    );
  });

  it.each([
    ['GET', `${API}/auth/verify`, 'POST'],
    ['PUT', `${API}/auth/callback`, 'POST'],
    ['POST', `${API}/users/x`, 'GET'],
    ['DELETE', `${API}/users/x/permissions`, 'GET'],
    ['HEAD', `${API}/users/x`, 'GET'],
  ])('answers %s %s with 405 (Allow: %s)', async (method, url, allow) => {
    const { cloud } = setup();
    const res = await cloud.fetch(new Request(url, { method, headers: apiHeaders('t') }));
    expect(res.headers.get('Allow')).toBe(allow);
    await expectError(res, 405, 'method_not_allowed');
  });
});
