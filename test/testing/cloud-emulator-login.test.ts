import { describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/testing/index.js';
import {
  API,
  APP_CALLBACK,
  authorize,
  BASE,
  exchange,
  expectError,
  jsonPost,
  okData,
  ossUrl,
  pkcePair,
  RFC_CHALLENGE,
  RFC_VERIFIER,
  setup,
} from './cloud-emulator-helpers.js';

describe('PKCE login (GET /auth/oss + POST /auth/callback)', () => {
  it('signs the login user in and exchanges the code for a token, user and session', async () => {
    const { cloud, clock } = setup();
    const { verifier, challenge } = await pkcePair();
    const { code, state, location } = await authorize(cloud, challenge);
    expect(state).toBe('state-123');
    expect(location.origin + location.pathname).toBe(APP_CALLBACK);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const data = await okData(
      await exchange(cloud, { code, code_verifier: verifier, redirect_uri: APP_CALLBACK }),
    );
    expect(data.jwt).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{43}$/));
    expect(data.user).toEqual({
      id: DEMO_USER.id,
      email: DEMO_USER.email,
      name: DEMO_USER.name,
      role: 'owner',
      created_at: new Date(clock.ms).toISOString(),
    });
    expect(data.session).toEqual({
      id: expect.stringMatching(/^sess_/),
      user_id: DEMO_USER.id,
      created_at: new Date(clock.ms).toISOString(),
      expires_at: new Date(clock.ms + 3600_000).toISOString(),
    });

    // The jwt is the user's Cloud token and the session token.
    const verified = await okData(
      await cloud.fetcher(`${API}/auth/verify`, {
        method: 'POST',
        headers: {
          'X-Project-ID': 'proj_test',
          Accept: 'application/json',
          Authorization: `Bearer ${data.jwt}`,
        },
      }),
    );
    expect(verified).toMatchObject({
      user: { id: DEMO_USER.id },
      expires_at: new Date(clock.ms + 3600_000).toISOString(),
    });
  });

  it('accepts the RFC 7636 test vector (S256 computed correctly)', async () => {
    const { cloud } = setup();
    const { code } = await authorize(cloud, RFC_CHALLENGE);
    await okData(await exchange(cloud, { code, code_verifier: RFC_VERIFIER, redirect_uri: APP_CALLBACK }));
  });

  it('signs in the user chosen with setLoginUser, with snake_case wire fields', async () => {
    const { cloud } = setup();
    cloud.addUser({
      id: 'u/2',
      email: 'two@example.com',
      avatarUrl: 'https://img.test/2.png',
      role: 'viewer',
      createdAt: new Date('2025-05-05T00:00:00.000Z'),
      metadata: { team: 'a' },
    });
    cloud.setLoginUser('u/2');
    const { verifier, challenge } = await pkcePair();
    const { code } = await authorize(cloud, challenge);
    const data = await okData(
      await exchange(cloud, { code, code_verifier: verifier, redirect_uri: APP_CALLBACK }),
    );
    expect(data.user).toEqual({
      id: 'u/2',
      email: 'two@example.com',
      avatar_url: 'https://img.test/2.png',
      role: 'viewer',
      created_at: '2025-05-05T00:00:00.000Z',
      metadata: { team: 'a' },
    });
  });

  it('keeps the redirect_uri own query parameters and encodes the state', async () => {
    const { cloud } = setup();
    const { challenge } = await pkcePair();
    const redirectUri = 'http://localhost:3000/cb?tenant=a%20b&x';
    const res = await cloud.fetcher(
      ossUrl({ code_challenge: challenge, redirect_uri: redirectUri, state: 'id|/a b?c' }),
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(302);
    const location = res.headers.get('Location') ?? '';
    expect(location.startsWith('http://localhost:3000/cb?tenant=a%20b&x&code=')).toBe(true);
    expect(new URL(location).searchParams.get('state')).toBe('id|/a b?c');
  });

  it('makes codes single-use, even when the first redemption failed', async () => {
    const { cloud } = setup();
    const { verifier, challenge } = await pkcePair();
    const first = await authorize(cloud, challenge);
    await okData(
      await exchange(cloud, { code: first.code, code_verifier: verifier, redirect_uri: APP_CALLBACK }),
    );
    const replay = await exchange(cloud, {
      code: first.code,
      code_verifier: verifier,
      redirect_uri: APP_CALLBACK,
    });
    expect(await expectError(replay, 400, 'invalid_grant')).toMatch(/already been used/);

    const second = await authorize(cloud, challenge);
    const wrong = await exchange(cloud, {
      code: second.code,
      code_verifier: `${verifier}x`,
      redirect_uri: APP_CALLBACK,
    });
    await expectError(wrong, 400, 'invalid_grant');
    const retry = await exchange(cloud, {
      code: second.code,
      code_verifier: verifier,
      redirect_uri: APP_CALLBACK,
    });
    await expectError(retry, 400, 'invalid_grant');
  });

  it('expires codes after codeTtlSeconds on the injected clock', async () => {
    const { cloud, clock } = setup({ codeTtlSeconds: 30 });
    const { verifier, challenge } = await pkcePair();
    const late = await authorize(cloud, challenge);
    const inTime = await authorize(cloud, challenge);
    clock.advance(29);
    await okData(
      await exchange(cloud, { code: inTime.code, code_verifier: verifier, redirect_uri: APP_CALLBACK }),
    );
    clock.advance(1);
    const res = await exchange(cloud, {
      code: late.code,
      code_verifier: verifier,
      redirect_uri: APP_CALLBACK,
    });
    expect(await expectError(res, 400, 'invalid_grant')).toMatch(/expired/);
  });

  it('binds the code to the exact redirect_uri', async () => {
    const { cloud } = setup();
    const { verifier, challenge } = await pkcePair();
    const { code } = await authorize(cloud, challenge);
    const res = await exchange(cloud, { code, code_verifier: verifier, redirect_uri: `${APP_CALLBACK}/` });
    expect(await expectError(res, 400, 'invalid_grant')).toMatch(/redirect_uri/);
  });

  it('binds the code to the challenge: another valid verifier fails', async () => {
    const { cloud } = setup();
    const { challenge } = await pkcePair();
    const other = await pkcePair();
    const { code } = await authorize(cloud, challenge);
    const res = await exchange(cloud, { code, code_verifier: other.verifier, redirect_uri: APP_CALLBACK });
    expect(await expectError(res, 400, 'invalid_grant')).toMatch(/code_challenge/);
  });

  it.each([
    ['an unknown code', { code: 'nope', code_verifier: RFC_VERIFIER, redirect_uri: APP_CALLBACK }],
    ['a malformed verifier', { code: 'CODE', code_verifier: 'short', redirect_uri: APP_CALLBACK }],
  ])('refuses %s with invalid_grant', async (_name, body) => {
    const { cloud } = setup();
    const { code } = await authorize(cloud, RFC_CHALLENGE);
    await expectError(
      await exchange(cloud, { ...body, code: body.code === 'CODE' ? code : body.code }),
      400,
      'invalid_grant',
    );
  });

  it.each([
    ['missing code', { code_verifier: RFC_VERIFIER, redirect_uri: APP_CALLBACK }],
    ['a numeric code', { code: 5, code_verifier: RFC_VERIFIER, redirect_uri: APP_CALLBACK }],
    ['missing code_verifier', { code: 'c', redirect_uri: APP_CALLBACK }],
    ['missing redirect_uri', { code: 'c', code_verifier: RFC_VERIFIER }],
    ['an unknown field', { code: 'c', code_verifier: RFC_VERIFIER, redirect_uri: APP_CALLBACK, state: 's' }],
  ])('answers a callback body with %s with 400 invalid_request', async (_name, body) => {
    const { cloud } = setup();
    await expectError(await exchange(cloud, body), 400, 'invalid_request');
  });

  it.each([
    ['missing project_id', { project_id: null }, 'invalid_project'],
    ['another project_id', { project_id: 'other' }, 'invalid_project'],
    ['a relative redirect_uri', { redirect_uri: '/cb' }, 'invalid_redirect_uri'],
    ['a javascript: redirect_uri', { redirect_uri: 'javascript:alert(1)' }, 'invalid_redirect_uri'],
    ['a redirect_uri with a fragment', { redirect_uri: 'https://app.test/cb#x' }, 'invalid_redirect_uri'],
    ['missing state', { state: null }, 'invalid_state'],
    ['empty state', { state: '' }, 'invalid_state'],
    ['a short code_challenge', { code_challenge: 'abc' }, 'invalid_code_challenge'],
    [
      'a code_challenge with padding',
      { code_challenge: `${RFC_CHALLENGE.slice(0, 42)}=` },
      'invalid_code_challenge',
    ],
    ['method plain', { code_challenge_method: 'plain' }, 'invalid_code_challenge_method'],
    ['method s256', { code_challenge_method: 's256' }, 'invalid_code_challenge_method'],
    ['missing method', { code_challenge_method: null }, 'invalid_code_challenge_method'],
  ])('refuses /auth/oss with %s (400 %s)', async (_name, params, code) => {
    const { cloud } = setup();
    const res = await cloud.fetcher(ossUrl({ code_challenge: RFC_CHALLENGE, ...params }), {
      redirect: 'manual',
    });
    await expectError(res, 400, code);
  });

  it('refuses a repeated /auth/oss parameter', async () => {
    const { cloud } = setup();
    const url = `${ossUrl({ code_challenge: RFC_CHALLENGE })}&state=again`;
    await expectError(await cloud.fetcher(url, { redirect: 'manual' }), 400, 'invalid_state');
  });

  it('issues a session that expires with the token, and earlier with sessionTtlSeconds', async () => {
    const { cloud, clock } = setup({ tokenTtlSeconds: 600, sessionTtlSeconds: 60 });
    const { verifier, challenge } = await pkcePair();
    const { code } = await authorize(cloud, challenge);
    const data = await okData(
      await exchange(cloud, { code, code_verifier: verifier, redirect_uri: APP_CALLBACK }),
    );
    expect(data.session).toMatchObject({ expires_at: new Date(clock.ms + 60_000).toISOString() });
  });
});

describe('GET /auth/logout', () => {
  it('redirects to redirect_uri', async () => {
    const { cloud } = setup();
    const res = await cloud.fetcher(
      `${BASE}/auth/logout?redirect_uri=${encodeURIComponent('https://app.test/bye?x=1')}`,
      {
        redirect: 'manual',
      },
    );
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe('https://app.test/bye?x=1');
    expect(cloud.calls('logout')).toBe(1);
  });

  it('refuses a missing or non-http redirect_uri', async () => {
    const { cloud } = setup();
    await expectError(
      await cloud.fetcher(`${BASE}/auth/logout`, { redirect: 'manual' }),
      400,
      'invalid_redirect_uri',
    );
    const res = await cloud.fetcher(`${BASE}/auth/logout?redirect_uri=ftp%3A%2F%2Fx`, { redirect: 'manual' });
    await expectError(res, 400, 'invalid_redirect_uri');
  });

  it('is a GET route: POST gets 405', async () => {
    const { cloud } = setup();
    const res = await cloud.fetcher(`${BASE}/auth/logout`, jsonPost({}));
    expect(res.headers.get('Allow')).toBe('GET');
    await expectError(res, 405, 'method_not_allowed');
  });
});
