import { describe, expect, it } from 'vitest';
import { DEMO_USER } from '../../src/testing/index.js';
import {
  API,
  apiHeaders,
  BASE,
  expectError,
  okData,
  ossUrl,
  RFC_CHALLENGE,
  setup,
} from './cloud-emulator-helpers.js';

/** One correct request per API route; each test breaks one rule of it. */
function validCalls(token: string): Array<[string, string, RequestInit]> {
  const json = { ...apiHeaders(token), 'Content-Type': 'application/json' };
  return [
    [
      'callback',
      `${API}/auth/callback`,
      {
        method: 'POST',
        headers: json,
        body: '{"code":"c","code_verifier":"v","redirect_uri":"https://a.test/"}',
      },
    ],
    ['verify', `${API}/auth/verify`, { method: 'POST', headers: apiHeaders(token) }],
    ['session.validate', `${API}/auth/session/validate`, { method: 'POST', headers: apiHeaders(token) }],
    [
      'session.destroy',
      `${API}/auth/session/destroy`,
      { method: 'POST', headers: json, body: '{"sessionId":"s"}' },
    ],
    ['users.get', `${API}/users/${DEMO_USER.id}`, { headers: apiHeaders(token) }],
    ['users.permissions', `${API}/users/${DEMO_USER.id}/permissions`, { headers: apiHeaders(token) }],
  ];
}

function withHeaders(init: RequestInit, change: (headers: Headers) => void): RequestInit {
  const headers = new Headers(init.headers);
  change(headers);
  return { ...init, headers };
}

describe('contract enforcement on every API route', () => {
  const { cloud } = setup();
  const token = cloud.issueToken(DEMO_USER.id);

  describe.each(validCalls(token))('%s', (_route, url, init) => {
    it('is accepted when correct (not a contract error)', async () => {
      const res = await cloud.fetcher(url, init);
      expect([200, 400, 404]).toContain(res.status);
      const body: unknown = await res.json();
      expect(JSON.stringify(body)).not.toMatch(
        /invalid_project|invalid_accept|token_in_query|authorization|content_type|body_not_allowed/,
      );
    });

    it('refuses a missing X-Project-ID (400 invalid_project)', async () => {
      const res = await cloud.fetcher(
        url,
        withHeaders(init, (h) => h.delete('X-Project-ID')),
      );
      expect(await expectError(res, 400, 'invalid_project')).toMatch(/X-Project-ID/);
    });

    it('refuses another X-Project-ID (400 invalid_project)', async () => {
      await expectError(
        await cloud.fetcher(
          url,
          withHeaders(init, (h) => h.set('X-Project-ID', 'proj_other')),
        ),
        400,
        'invalid_project',
      );
    });

    it.each([null, 'text/html', 'application/json;q=0', 'application/xml, text/*'])(
      'refuses Accept %s (400 invalid_accept)',
      async (accept) => {
        const res = await cloud.fetcher(
          url,
          withHeaders(init, (h) => (accept === null ? h.delete('Accept') : h.set('Accept', accept))),
        );
        await expectError(res, 400, 'invalid_accept');
      },
    );

    it.each(['token', 'access_token', 'jwt', 'apiKey', 'api_key', 'id_token', 'Authorization'])(
      'refuses ?%s= in the query string (400 token_in_query)',
      async (name) => {
        const res = await cloud.fetcher(`${url}?${name}=${token}`, init);
        const message = await expectError(res, 400, 'token_in_query');
        expect(message).not.toContain(token);
      },
    );

    it.each([
      'Bearer',
      'Bearer ',
      `bearer ${token}`,
      `Bearer  ${token}`,
      `Basic ${token}`,
      `Bearer ${token} x`,
      `Bearer ${token},`,
      `Token ${token}`,
    ])('refuses Authorization %j (400 invalid_authorization)', async (authorization) => {
      const res = await cloud.fetcher(
        url,
        withHeaders(init, (h) => h.set('Authorization', authorization)),
      );
      await expectError(res, 400, 'invalid_authorization');
    });
  });

  it.each(validCalls(token).filter(([route]) => route !== 'callback'))(
    '%s without Authorization gets 400 missing_authorization',
    async (_route, url, init) => {
      const res = await cloud.fetcher(
        url,
        withHeaders(init, (h) => h.delete('Authorization')),
      );
      await expectError(res, 400, 'missing_authorization');
    },
  );

  it.each(validCalls(token).filter(([route]) => route === 'callback' || route === 'session.destroy'))(
    '%s needs Content-Type: application/json for its body',
    async (_route, url, init) => {
      await expectError(
        await cloud.fetcher(
          url,
          withHeaders(init, (h) => h.delete('Content-Type')),
        ),
        400,
        'invalid_content_type',
      );
      await expectError(
        await cloud.fetcher(
          url,
          withHeaders(init, (h) => h.set('Content-Type', 'text/plain')),
        ),
        400,
        'invalid_content_type',
      );
      await expectError(await cloud.fetcher(url, { ...init, body: '{"code":' }), 400, 'invalid_json');
      await expectError(await cloud.fetcher(url, { ...init, body: '["code"]' }), 400, 'invalid_body');
      await expectError(await cloud.fetcher(url, { ...init, body: 'null' }), 400, 'invalid_body');
      await expectError(
        await cloud.fetcher(url, { ...init, body: `{"x":"${'a'.repeat(70_000)}"}` }),
        413,
        'body_too_large',
      );
    },
  );
});

describe('contract details', () => {
  it('accepts Accept ranges that allow JSON and a charset on Content-Type', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    for (const accept of ['*/*', 'application/*', 'text/html, application/json;q=0.5', 'APPLICATION/JSON']) {
      const headers = { ...apiHeaders(token), Accept: accept };
      await okData(await cloud.fetcher(`${API}/auth/verify`, { method: 'POST', headers }));
    }
    const { session } = await okData(
      await cloud.fetcher(`${API}/auth/session/validate`, { method: 'POST', headers: apiHeaders(token) }),
    );
    const sessionId = (session as { id: string }).id;
    const res = await cloud.fetcher(`${API}/auth/session/destroy`, {
      method: 'POST',
      headers: { ...apiHeaders(token), 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ sessionId }),
    });
    await okData(res);
  });

  it('refuses a body on the no-body POST routes, but not an empty one', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    const headers = { ...apiHeaders(token), 'Content-Type': 'application/json' };
    await expectError(
      await cloud.fetcher(`${API}/auth/verify`, { method: 'POST', headers, body: '{}' }),
      400,
      'body_not_allowed',
    );
    await expectError(
      await cloud.fetcher(`${API}/auth/session/validate`, { method: 'POST', headers, body: 'x' }),
      400,
      'body_not_allowed',
    );
    await okData(await cloud.fetcher(`${API}/auth/verify`, { method: 'POST', headers, body: '' }));
  });

  it('refuses a GET that announces a body (adapters keep its framing headers)', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    const url = `${API}/users/${DEMO_USER.id}`;
    await expectError(
      await cloud.fetch(new Request(url, { headers: { ...apiHeaders(token), 'Content-Length': '2' } })),
      400,
      'body_not_allowed',
    );
    await expectError(
      await cloud.fetch(
        new Request(url, { headers: { ...apiHeaders(token), 'Transfer-Encoding': 'chunked' } }),
      ),
      400,
      'body_not_allowed',
    );
    await okData(
      await cloud.fetch(new Request(url, { headers: { ...apiHeaders(token), 'Content-Length': '0' } })),
    );
  });

  it('refuses credentials in the query string of the browser routes too', async () => {
    const { cloud } = setup();
    const res = await cloud.fetcher(`${ossUrl({ code_challenge: RFC_CHALLENGE })}&access_token=abc`, {
      redirect: 'manual',
    });
    await expectError(res, 400, 'token_in_query');
    const out = await cloud.fetcher(`${BASE}/auth/logout?redirect_uri=https%3A%2F%2Fa.test%2F&jwt=x`, {
      redirect: 'manual',
    });
    await expectError(out, 400, 'token_in_query');
  });

  it('does not ask the browser routes for API headers', async () => {
    const { cloud } = setup();
    const res = await cloud.fetcher(ossUrl({ code_challenge: RFC_CHALLENGE }), {
      redirect: 'manual',
      headers: { Accept: 'text/html' },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('Content-Type')).toBeNull();
  });

  it('answers every error as the JSON envelope, never echoing the token', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.revokeToken(token);
    const res = await cloud.fetcher(`${API}/auth/verify`, { method: 'POST', headers: apiHeaders(token) });
    expect(await expectError(res, 401, 'invalid_token')).not.toContain(token);
  });
});
