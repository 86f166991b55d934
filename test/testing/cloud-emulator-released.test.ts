/**
 * The emulator's released wire (CONTRACT 1b), spoken strictly: raw JSON answers at the origin
 * root, the login and logout pages, project API tokens; and each profile refusing the other's
 * requests with a 400 that says which wire it speaks.
 */
import { describe, expect, it } from 'vitest';
import {
  APP_CALLBACK,
  apiHeaders,
  BASE,
  jsonPost,
  PROJECT,
  pkcePair,
  setup,
} from './cloud-emulator-helpers.js';

const released = () => setup({ wire: 'released' });

async function login(cloud: ReturnType<typeof released>['cloud']) {
  const { verifier, challenge } = await pkcePair();
  const query = new URLSearchParams({
    project_id: PROJECT,
    redirect_uri: APP_CALLBACK,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const oss = await cloud.fetch(new Request(`${BASE}/auth/oss?${query}`));
  const code = new URL(oss.headers.get('Location') ?? '').searchParams.get('code') ?? '';
  return cloud.fetch(
    new Request(
      `${BASE}/auth/callback`,
      jsonPost({ code, redirect_uri: APP_CALLBACK, code_verifier: verifier }),
    ),
  );
}

describe('released emulator', () => {
  it('signs in with PKCE and answers { access_token, token_type, expires_in }', async () => {
    const { cloud } = released();
    expect(cloud.wire).toBe('released');
    const response = await login(cloud);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
  });

  it('verifies user tokens flat, and project API tokens as such', async () => {
    const { cloud } = released();
    const token = cloud.issueToken('user_demo');
    const verify = (t: string) =>
      cloud.fetch(new Request(`${BASE}/auth/verify`, { method: 'POST', headers: apiHeaders(t) }));
    expect(await (await verify(token)).json()).toEqual({
      sub: 'user_demo',
      email: 'demo@example.com',
      name: 'Demo User',
      role: 'owner',
    });
    expect(await (await verify(cloud.issueApiToken())).json()).toEqual({
      valid: true,
      role: 'api',
      token_type: 'project_api_token',
    });
    const refused = await verify('unknown-token');
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ code: 'invalid_token', message: 'The token is not valid' });
  });

  it("validates the token's session (epoch ms) and destroys it with no body", async () => {
    const { cloud, clock } = released();
    const token = cloud.issueToken('user_demo');
    const validate = await cloud.fetch(
      new Request(`${BASE}/auth/session/validate`, { method: 'POST', headers: apiHeaders(token) }),
    );
    expect(await validate.json()).toEqual({
      userId: 'user_demo',
      createdAt: clock.ms,
      expiresAt: clock.ms + 3_600_000,
    });
    const destroy = await cloud.fetch(
      new Request(`${BASE}/auth/session/destroy`, { method: 'POST', headers: apiHeaders(token) }),
    );
    expect(destroy.status).toBe(200);
    const after = await cloud.fetch(
      new Request(`${BASE}/auth/verify`, { method: 'POST', headers: apiHeaders(token) }),
    );
    expect(after.status).toBe(401);
  });

  it('logs out to post_logout_redirect_uri, with or without id_token_hint', async () => {
    const { cloud } = released();
    const token = cloud.issueToken('user_demo');
    const query = new URLSearchParams({
      post_logout_redirect_uri: 'https://app.test/',
      id_token_hint: token,
    });
    const out = await cloud.fetch(new Request(`${BASE}/auth/logout?${query}`));
    expect(out.status).toBe(302);
    expect(out.headers.get('Location')).toBe('https://app.test/');
    const v1Style = await cloud.fetch(
      new Request(`${BASE}/auth/logout?redirect_uri=https%3A%2F%2Fapp.test%2F`),
    );
    expect(v1Style.status).toBe(400);
    expect(await v1Style.json()).toMatchObject({ code: 'wrong_wire' });
  });

  it('refuses v1 requests with a 400 naming the wire it speaks', async () => {
    const { cloud } = released();
    const token = cloud.issueToken('user_demo');
    const v1Path = await cloud.fetch(
      new Request(`${BASE}/api/v1/auth/verify`, { method: 'POST', headers: apiHeaders(token) }),
    );
    expect(v1Path.status).toBe(400);
    const body = await v1Path.json();
    expect(body).toMatchObject({ code: 'wrong_wire' });
    expect(body.message).toMatch(/released wire.*origin root/);
    expect(body).not.toHaveProperty('ok');

    const destroyWithBody = await cloud.fetch(
      new Request(`${BASE}/auth/session/destroy`, jsonPost({ sessionId: 'sess_1' }, token)),
    );
    expect(destroyWithBody.status).toBe(400);
    expect(await destroyWithBody.json()).toMatchObject({ code: 'wrong_wire' });

    const envelope = await cloud.fetch(
      new Request(`${BASE}/auth/callback`, jsonPost({ ok: true, data: { code: 'x' } })),
    );
    expect(envelope.status).toBe(400);
    expect((await envelope.json()).message).toMatch(/not a \{ok,data\} envelope/);

    const users = await cloud.fetch(new Request(`${BASE}/users/user_demo`, { headers: apiHeaders(token) }));
    expect(users.status).toBe(404);
  });

  it('answers faults the released way', async () => {
    const { cloud } = released();
    const token = cloud.issueToken('user_demo');
    const verify = () =>
      cloud.fetch(new Request(`${BASE}/auth/verify`, { method: 'POST', headers: apiHeaders(token) }));
    cloud.injectFault({ route: 'verify', kind: 'ok_false', status: 401, code: 'token_expired', times: 1 });
    const refused = await verify();
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ code: 'token_expired', message: 'Injected failure' });
    cloud.injectFault({ route: 'verify', kind: 'http_error', status: 503, times: 1 });
    const down = await verify();
    expect(down.status).toBe(503);
    expect(down.headers.get('Retry-After')).toBe('1');
    expect(await down.json()).toMatchObject({ code: 'service_unavailable' });
  });
});

describe('v1 emulator', () => {
  it('refuses released paths with a 400 naming the wire it speaks', async () => {
    const { cloud } = setup();
    expect(cloud.wire).toBe('v1');
    const token = cloud.issueToken('user_demo');
    const rootPath = await cloud.fetch(
      new Request(`${BASE}/auth/verify`, { method: 'POST', headers: apiHeaders(token) }),
    );
    expect(rootPath.status).toBe(400);
    const body = await rootPath.json();
    expect(body).toMatchObject({ ok: false, error: { code: 'wrong_wire', status: 400 } });
    expect(body.error.message).toMatch(/wire v1.*\/api\/v1/);
    expect(() => cloud.issueApiToken()).toThrow(/released wire/);
  });

  it('keeps refusing credentials in query strings, except nowhere (v1 logout takes no hint)', async () => {
    const { cloud } = setup();
    const out = await cloud.fetch(
      new Request(`${BASE}/auth/logout?redirect_uri=https%3A%2F%2Fapp.test%2F&id_token_hint=abc`),
    );
    expect(out.status).toBe(400);
    expect(await out.json()).toMatchObject({ error: { code: 'token_in_query' } });
  });

  it('rejects an unknown wire option', () => {
    expect(() => setup({ wire: 'v2' as 'v1' })).toThrow(/options\.wire must be 'v1' or 'released'/);
  });
});
