/**
 * The released wire profile (CONTRACT 1b) on the wire, against a scripted fetch: what the client
 * sends for each call, how it reads raw answers, and that every v1 rule (outage vs rejection,
 * retries only where safe, size caps, validation, no redirects) holds here too.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  API_TOKEN_USER,
  type CloudApi,
  isCloudApi,
  MastraCloudClient,
  parseReleasedExchange,
  parseReleasedSession,
  parseReleasedVerify,
  processRaw,
} from '../../src/cloud-fetch/index.js';
import { CloudApiError } from '../../src/errors/index.js';
import { thrownBy } from '../support/errors.js';
import { json } from './fake-fetch.js';
import {
  BASE,
  CHALLENGE,
  clientWith,
  PROJECT_ID,
  REDIRECT_URI,
  rejectionOf,
  TOKEN,
  VERIFIER,
} from './fixtures.js';

const RELEASED = { wire: 'released' } as const;
const NOW = Date.UTC(2026, 0, 1);
const USER_BODY = { sub: 'user_1', email: 'ada@example.com', name: 'Ada', role: 'admin' };

function released(answers: Parameters<typeof clientWith>[0], options: Parameters<typeof clientWith>[1] = {}) {
  return clientWith(answers, { ...RELEASED, now: () => NOW, ...options });
}

async function cloudError(promise: Promise<unknown>): Promise<CloudApiError> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(CloudApiError);
  if (!(error instanceof CloudApiError)) throw error;
  return error;
}

describe('released client: requests', () => {
  it('is a CloudApi with the released capabilities', () => {
    const client: CloudApi = new MastraCloudClient({ projectId: PROJECT_ID, wire: 'released' });
    expect(isCloudApi(client)).toBe(true);
    expect(client.wire).toBe('released');
    expect(client.capabilities).toEqual({ hasUsersEndpoint: false, callbackReturnsSession: false });
    expect(new MastraCloudClient({ projectId: PROJECT_ID }).wire).toBe('v1');
    expect(() => new MastraCloudClient({ projectId: PROJECT_ID, wire: 'v2' as 'v1' })).toThrow(
      /wire must be one of 'v1', 'released'/,
    );
  });

  it('exchanges the code at the origin root, then verifies the new token once', async () => {
    const { client, fake } = released([
      json({ access_token: TOKEN, token_type: 'Bearer', expires_in: 3600 }),
      json(USER_BODY),
    ]);
    const result = await client.exchangeCode({
      code: 'c0de',
      codeVerifier: VERIFIER,
      redirectUri: REDIRECT_URI,
    });
    const [exchange, verify] = fake.calls;
    expect(exchange?.url).toBe(`${BASE}/auth/callback`);
    expect(exchange?.method).toBe('POST');
    expect(exchange?.headers.get('content-type')).toBe('application/json');
    expect(exchange?.headers.get('x-project-id')).toBe(PROJECT_ID);
    expect(exchange?.headers.has('authorization')).toBe(false);
    expect(JSON.parse(String(exchange?.body))).toEqual({
      code: 'c0de',
      redirect_uri: REDIRECT_URI,
      code_verifier: VERIFIER,
    });
    expect(exchange?.redirect).toBe('manual');
    expect(verify?.url).toBe(`${BASE}/auth/verify`);
    expect(verify?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(verify?.body).toBeUndefined();
    expect(result.token).toBe(TOKEN);
    expect(result.user).toEqual({
      id: 'user_1',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'admin',
      sessionToken: TOKEN,
    });
    // The session is the token's: its id derived from it, its end expires_in from now.
    expect(result.session).toMatchObject({
      userId: 'user_1',
      createdAt: new Date(NOW),
      expiresAt: new Date(NOW + 3_600_000),
    });
    expect(result.session.id).toMatch(/^ts_[A-Za-z0-9_-]{43}$/);
    expect(result.session.id).not.toContain(TOKEN);
    fake.assertDone();
  });

  it('validates the session with the same derived id, and destroys it without a body', async () => {
    const { client, fake } = released([
      json({ access_token: TOKEN, token_type: 'Bearer', expires_in: 60 }),
      json(USER_BODY),
      json({ userId: 'user_1', expiresAt: NOW + 60_000, createdAt: NOW }),
      new Response(null, { status: 204 }),
    ]);
    const { session } = await client.exchangeCode({
      code: 'c',
      codeVerifier: VERIFIER,
      redirectUri: REDIRECT_URI,
    });
    expect(await client.validateSession(TOKEN)).toEqual(session);
    await client.destroySession(TOKEN, session.id);
    const destroy = fake.calls[3];
    expect(destroy?.url).toBe(`${BASE}/auth/session/destroy`);
    expect(destroy?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(destroy?.body).toBeUndefined();
    expect(fake.calls[2]?.url).toBe(`${BASE}/auth/session/validate`);
    fake.assertDone();
  });

  it("builds login and logout URLs; only logout carries a token (Cloud's id_token_hint)", () => {
    const { client } = released([]);
    const login = new URL(
      client.getLoginUrl({ redirectUri: REDIRECT_URI, state: 'st', codeChallenge: CHALLENGE }),
    );
    expect(`${login.origin}${login.pathname}`).toBe(`${BASE}/auth/oss`);
    expect(login.searchParams.get('code_challenge_method')).toBe('S256');
    expect(login.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    const logout = new URL(client.getLogoutUrl('https://app.example.com/', TOKEN));
    expect(`${logout.origin}${logout.pathname}`).toBe(`${BASE}/auth/logout`);
    expect([...logout.searchParams.keys()]).toEqual(['post_logout_redirect_uri', 'id_token_hint']);
    expect(logout.searchParams.get('id_token_hint')).toBe(TOKEN);
    // No hint without a well-formed token; v1 never puts one in the URL.
    expect(
      new URL(client.getLogoutUrl('https://app.example.com/', 'a b')).searchParams.has('id_token_hint'),
    ).toBe(false);
    const v1 = new MastraCloudClient({ projectId: PROJECT_ID, baseUrl: BASE });
    expect(v1.getLogoutUrl('https://app.example.com/', TOKEN)).toBe(
      `${BASE}/auth/logout?redirect_uri=${encodeURIComponent('https://app.example.com/')}`,
    );
  });

  it('verifies a project API token as { id: "api-token", role: "api" }', async () => {
    const { client } = released([json({ valid: true, role: 'api', token_type: 'project_api_token' })]);
    const { user, expiresAt } = await client.verifyToken(TOKEN);
    expect(user).toEqual({ id: 'api-token', role: 'api', sessionToken: TOKEN });
    expect(expiresAt).toBeUndefined();
    expect(API_TOKEN_USER).toEqual({ id: 'api-token', role: 'api' });
  });

  it('has no users endpoint: user calls are refused (501) without a request', async () => {
    const { client, fake } = released([]);
    for (const call of [client.getUser('user_1', TOKEN), client.getUserPermissions('user_1', TOKEN)]) {
      expect(await cloudError(call)).toMatchObject({
        status: 501,
        code: 'not_implemented',
        family: 'rejected',
      });
    }
    fake.assertDone();
  });

  it('honours an explicit apiPrefix', async () => {
    const { client, fake } = released([json(USER_BODY)], { apiPrefix: '/cloud' });
    await client.verifyToken(TOKEN);
    expect(fake.calls[0]?.url).toBe(`${BASE}/cloud/auth/verify`);
  });
});

describe('released client: failures', () => {
  it('tells a bad token (401/403) from an outage (429, 5xx), retrying only the outage', async () => {
    const { client, fake, sleeps } = released(
      [json({ code: 'invalid_token', message: 'nope' }, 401), json({}, 503), json({}, 429), json(USER_BODY)],
      { retries: 2 },
    );
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({
      status: 401,
      code: 'invalid_token',
      family: 'rejected',
    });
    await expect(client.verifyToken(TOKEN)).resolves.toMatchObject({ user: { id: 'user_1' } });
    expect(sleeps).toHaveLength(2);
    fake.assertDone();
  });

  it('refuses a used code as invalid_grant and never retries the exchange', async () => {
    const { client, fake } = released([json({ code: 'invalid_grant' }, 400)], { retries: 2 });
    const error = await cloudError(
      client.exchangeCode({ code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI }),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', family: 'rejected' });
    fake.assertDone();
  });

  it('does not follow redirects, caps bodies, and calls an envelope a bad answer', async () => {
    const redirect = new Response(null, { status: 302, headers: { Location: 'https://elsewhere.invalid/' } });
    const big = json({ ...USER_BODY, name: 'x'.repeat(70_000) });
    const envelope = json({ ok: true, data: { user: { id: 'user_1' } } });
    const html = new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const { client } = released([redirect, big, envelope, html]);
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 302, code: 'redirect' });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({
      code: 'bad_response',
      family: 'unavailable',
    });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({
      status: 502,
      code: 'bad_response',
      family: 'unavailable',
    });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({
      code: 'bad_response',
      family: 'unavailable',
    });
  });

  it('keeps no token in an error message and reads an error body that is not JSON by its status', async () => {
    const { client } = released([
      json({ code: 'invalid_token', message: `token ${TOKEN} eyJhbGciOi.eyJzdWIi.c2ln is bad\nnext` }, 403),
      new Response('Bad Gateway', { status: 502, headers: { 'content-type': 'text/plain' } }),
    ]);
    const refused = await cloudError(client.verifyToken(TOKEN));
    expect(refused.message).not.toContain(TOKEN);
    expect(refused.message).not.toContain('eyJ');
    expect(refused.message).not.toContain('\n');
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 502, family: 'unavailable' });
  });

  it('treats an unreadable success body of validate as an outage, but ignores the destroy body', async () => {
    const { client } = released([
      json({ userId: 'user_1', expiresAt: 'soon', createdAt: NOW }),
      new Response('done', { status: 200, headers: { 'content-type': 'text/plain' } }),
      json({}, 500),
    ]);
    expect(await cloudError(client.validateSession(TOKEN))).toMatchObject({
      status: 502,
      code: 'bad_response',
    });
    await expect(client.destroySession(TOKEN, 'ts_x')).resolves.toBeUndefined();
    expect(await cloudError(client.destroySession(TOKEN, 'ts_x'))).toMatchObject({
      status: 500,
      family: 'unavailable',
    });
  });
});

/** Any JSON, and error bodies with every code a client treats specially. */
const errorBody = fc.oneof(
  fc.jsonValue(),
  fc.record({
    code: fc.constantFrom(
      'invalid_token',
      'token_expired',
      'invalid_grant',
      'timeout',
      'bad_response',
      'busy',
      'not_implemented',
    ),
    message: fc.string(),
  }),
);

describe('released wire parsers', () => {
  it('read the documented bodies', () => {
    expect(parseReleasedExchange({ access_token: TOKEN, token_type: 'Bearer', expires_in: 10 })).toEqual({
      token: TOKEN,
      expiresInSeconds: 10,
    });
    expect(
      parseReleasedVerify({ ...USER_BODY, avatar_url: 'https://img.example.com/a.png', extra: 1 }),
    ).toEqual({
      user: {
        id: 'user_1',
        email: 'ada@example.com',
        name: 'Ada',
        role: 'admin',
        avatarUrl: 'https://img.example.com/a.png',
      },
      expiresAt: undefined,
    });
    expect(parseReleasedSession({ userId: 'u', expiresAt: 2000, createdAt: 1000 })).toEqual({
      userId: 'u',
      expiresAt: new Date(2000),
      createdAt: new Date(1000),
    });
  });

  it('refuse what the contract does not allow, naming the field and never the value', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => parseReleasedExchange({ access_token: 'a b', expires_in: 1 }), /body\.access_token/],
      [() => parseReleasedExchange({ access_token: TOKEN, expires_in: 0 }), /body\.expires_in/],
      [() => parseReleasedExchange({ access_token: TOKEN, expires_in: 1.5 }), /body\.expires_in/],
      [() => parseReleasedExchange({ access_token: TOKEN, token_type: 'mac', expires_in: 1 }), /token_type/],
      [() => parseReleasedVerify({ email: 'x@y' }), /body\.sub/],
      [
        () => parseReleasedVerify({ sub: 'u', email: 'x@y', avatar_url: 'javascript:alert(1)' }),
        /avatar_url/,
      ],
      [
        () => parseReleasedVerify({ valid: true, role: 'admin', token_type: 'project_api_token' }),
        /body\.role/,
      ],
      [() => parseReleasedSession({ userId: 'u', expiresAt: '2030-01-01', createdAt: 1 }), /body\.expiresAt/],
      [() => parseReleasedSession([]), /body must be an object/],
    ];
    for (const [parse, message] of cases) {
      const error = (() => {
        try {
          parse();
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CloudApiError);
      expect(error).toMatchObject({ status: 502, code: 'bad_response' });
      expect(String((error as Error).message)).toMatch(message);
    }
    expect(() => parseReleasedVerify({ valid: false, token_type: 'project_api_token' })).toThrow(
      expect.objectContaining({ status: 401, code: 'invalid_token' }),
    );
  });

  it('never throw anything but CloudApiError on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const parse of [parseReleasedExchange, parseReleasedVerify, parseReleasedSession]) {
          const thrown = thrownBy(() => parse(value));
          expect(thrown === undefined || thrown instanceof CloudApiError).toBe(true);
        }
      }),
    );
  });

  it('processRaw maps any status to success, rejection or outage, never throwing anything else', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 599 }), errorBody, async (status, body) => {
        const response = new Response(
          status === 204 || status === 205 || status === 304 ? null : JSON.stringify(body),
          {
            status,
            headers: { 'content-type': 'application/json' },
          },
        );
        expect(await mapsStatus(response, status)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

async function mapsStatus(response: Response, status: number): Promise<boolean> {
  try {
    await processRaw(response, (b) => b, 'probe');
    return status >= 200 && status <= 299;
  } catch (error) {
    if (!(error instanceof CloudApiError)) return false;
    if (status >= 200 && status <= 299) return error.family === 'unavailable';
    // The status decides the family; Cloud's body can only add a code (or name our project as wrong).
    if (status === 408 || status === 429 || (status >= 300 && status <= 399) || status >= 500) {
      return error.family === 'unavailable';
    }
    return error.family === 'rejected' || error.family === 'misconfigured';
  }
}
