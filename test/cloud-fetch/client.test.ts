/** What each client call sends (URL, method, headers, body) and what it returns on success. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { CloudApiError } from '../../src/errors/index.js';
import type { FakeFetch, RecordedCall } from './fake-fetch.js';
import { fakeFetch, ok } from './fake-fetch.js';
import {
  BASE,
  CALLBACK_DATA,
  clientWith,
  PROJECT_ID,
  REDIRECT_URI,
  rejectionOf,
  SESSION,
  SESSION_WIRE,
  TOKEN,
  USER_PROFILE,
  USER_WIRE,
  VERIFIER,
  VERIFY_DATA,
} from './fixtures.js';

let fake: FakeFetch | undefined;
afterEach(() => {
  fake?.assertDone();
  fake = undefined;
  vi.unstubAllGlobals();
});

function setup(...answers: Response[]) {
  const made = clientWith(answers);
  fake = made.fake;
  return made;
}

/** Header names sent, lower-cased and sorted, so an extra header fails the test. */
function headerNames(call: RecordedCall): string[] {
  return [...call.headers.keys()].sort();
}

function expectCommon(call: RecordedCall): void {
  expect(call.headers.get('x-project-id')).toBe(PROJECT_ID);
  expect(call.headers.get('accept')).toBe('application/json');
  expect(call.redirect).toBe('manual');
  expect(call.signal).toBeDefined();
  expect(call.url).not.toContain(TOKEN);
}

describe('exchangeCode', () => {
  it('POSTs code, code_verifier and redirect_uri as JSON, without Authorization', async () => {
    const { client, fake } = setup(ok(CALLBACK_DATA));
    const result = await client.exchangeCode({
      code: 'code_1',
      codeVerifier: VERIFIER,
      redirectUri: REDIRECT_URI,
    });
    const [call] = fake.calls;
    expect(call?.url).toBe(`${BASE}/api/v1/auth/callback`);
    expect(call?.method).toBe('POST');
    expectCommon(call!);
    expect(headerNames(call!)).toEqual(['accept', 'content-type', 'x-project-id']);
    expect(call?.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(String(call?.body))).toEqual({
      code: 'code_1',
      code_verifier: VERIFIER,
      redirect_uri: REDIRECT_URI,
    });
    expect(result).toEqual({
      token: TOKEN,
      user: { ...USER_PROFILE, sessionToken: TOKEN },
      session: SESSION,
    });
  });

  it('refuses bad parameters with a TypeError naming them, before any call', async () => {
    const { client } = setup();
    const good = { code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI };
    await expect(client.exchangeCode({ ...good, code: '' })).rejects.toThrow(/code must/);
    await expect(client.exchangeCode({ ...good, codeVerifier: 'short' })).rejects.toThrow(/codeVerifier/);
    await expect(client.exchangeCode({ ...good, redirectUri: '/relative' })).rejects.toThrow(/redirectUri/);
    await expect(client.exchangeCode({ ...good, redirectUri: 'javascript:alert(1)' })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('verifyToken', () => {
  it('POSTs with Bearer and no body, and returns the user with sessionToken and expiresAt', async () => {
    const { client, fake } = setup(ok(VERIFY_DATA));
    const result = await client.verifyToken(TOKEN);
    const [call] = fake.calls;
    expect(call?.url).toBe(`${BASE}/api/v1/auth/verify`);
    expect(call?.method).toBe('POST');
    expectCommon(call!);
    expect(call?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headerNames(call!)).toEqual(['accept', 'authorization', 'x-project-id']);
    expect(call?.body).toBeUndefined();
    expect(result).toEqual({
      user: { ...USER_PROFILE, sessionToken: TOKEN },
      expiresAt: new Date('2030-01-01T00:00:00.000Z'),
    });
  });

  it('gives expiresAt undefined when Cloud sends none (absent or null)', async () => {
    const { client } = setup(ok({ user: USER_WIRE }), ok({ user: USER_WIRE, expires_at: null }));
    expect((await client.verifyToken(TOKEN)).expiresAt).toBeUndefined();
    expect((await client.verifyToken(TOKEN)).expiresAt).toBeUndefined();
  });

  it('drops optional user fields that are absent or null instead of keeping undefined keys', async () => {
    const minimal = { id: 'u', email: 'e@x', created_at: '2024-01-01T00:00:00Z' };
    const nulls = { ...minimal, name: null, avatar_url: null, role: null, metadata: null };
    const { client } = setup(ok({ user: minimal }), ok({ user: nulls }));
    const expected = {
      id: 'u',
      email: 'e@x',
      createdAt: new Date('2024-01-01T00:00:00Z'),
      sessionToken: TOKEN,
    };
    for (let i = 0; i < 2; i++) {
      const { user } = await client.verifyToken(TOKEN);
      expect(user).toStrictEqual(expected);
    }
  });

  it('refuses a token that cannot be a Bearer credential as 401 invalid_token, without a call or echo', async () => {
    const { client } = setup();
    for (const bad of ['', 'has space', 'line\nbreak', 'naïve']) {
      const error = await rejectionOf(client.verifyToken(bad));
      expect(error).toBeInstanceOf(CloudApiError);
      expect(error).toMatchObject({ status: 401, code: 'invalid_token', family: 'rejected' });
      if (bad.length > 0) expect((error as Error).message).not.toContain(bad);
    }
  });

  it('throws a TypeError when the token is not a string', async () => {
    const { client } = setup();
    await expect(client.verifyToken(undefined as unknown as string)).rejects.toThrow(TypeError);
  });
});

describe('validateSession', () => {
  it('POSTs with Bearer and no body, and returns the session', async () => {
    const { client, fake } = setup(ok({ session: SESSION_WIRE }));
    expect(await client.validateSession(TOKEN)).toEqual(SESSION);
    const [call] = fake.calls;
    expect(call?.url).toBe(`${BASE}/api/v1/auth/session/validate`);
    expect(call?.method).toBe('POST');
    expectCommon(call!);
    expect(call?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(headerNames(call!)).toEqual(['accept', 'authorization', 'x-project-id']);
    expect(call?.body).toBeUndefined();
  });
});

describe('destroySession', () => {
  it('POSTs { sessionId } as JSON with Bearer and resolves to undefined', async () => {
    const { client, fake } = setup(ok({}));
    await expect(client.destroySession(TOKEN, 'sess_1')).resolves.toBeUndefined();
    const [call] = fake.calls;
    expect(call?.url).toBe(`${BASE}/api/v1/auth/session/destroy`);
    expect(call?.method).toBe('POST');
    expectCommon(call!);
    expect(headerNames(call!)).toEqual(['accept', 'authorization', 'content-type', 'x-project-id']);
    expect(call?.headers.get('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(call?.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(String(call?.body))).toEqual({ sessionId: 'sess_1' });
  });

  it('refuses an empty sessionId with a TypeError', async () => {
    const { client } = setup();
    await expect(client.destroySession(TOKEN, '')).rejects.toThrow(/sessionId/);
  });
});

describe('getUser and getUserPermissions', () => {
  it('GETs the user with Bearer and no body; the user carries the asking token', async () => {
    const { client, fake } = setup(ok({ user: USER_WIRE }));
    expect(await client.getUser('user_1', TOKEN)).toEqual({ ...USER_PROFILE, sessionToken: TOKEN });
    const [call] = fake.calls;
    expect(call?.url).toBe(`${BASE}/api/v1/users/user_1`);
    expect(call?.method).toBe('GET');
    expectCommon(call!);
    expect(headerNames(call!)).toEqual(['accept', 'authorization', 'x-project-id']);
    expect(call?.body).toBeUndefined();
  });

  it('GETs the permissions with Bearer and no body', async () => {
    const { client, fake } = setup(ok({ permissions: ['agents:read', '*:write', '*'] }));
    expect(await client.getUserPermissions('user_1', TOKEN)).toEqual(['agents:read', '*:write', '*']);
    const [call] = fake.calls;
    expect(call?.url).toBe(`${BASE}/api/v1/users/user_1/permissions`);
    expect(call?.method).toBe('GET');
    expectCommon(call!);
    expect(headerNames(call!)).toEqual(['accept', 'authorization', 'x-project-id']);
    expect(call?.body).toBeUndefined();
  });

  it('percent-encodes the userId in both paths', async () => {
    const { client, fake } = setup(ok({ user: USER_WIRE }), ok({ permissions: [] }));
    await client.getUser('a/b c', TOKEN);
    await client.getUserPermissions('a/b c?#%', TOKEN);
    expect(fake.calls.map((c) => c.url)).toEqual([
      `${BASE}/api/v1/users/a%2Fb%20c`,
      `${BASE}/api/v1/users/a%2Fb%20c%3F%23%25/permissions`,
    ]);
  });

  it('refuses an empty or dot-segment userId (it would climb the path) with a TypeError', async () => {
    const { client } = setup();
    for (const id of ['', '.', '..']) {
      await expect(client.getUser(id, TOKEN)).rejects.toThrow(/userId/);
      await expect(client.getUserPermissions(id, TOKEN)).rejects.toThrow(/userId/);
    }
  });
});

describe('transport', () => {
  it('calls an injected fetch with this = globalThis (workerd refuses other receivers)', async () => {
    const { client, fake } = setup(ok({ permissions: [] }));
    await client.getUserPermissions('u', TOKEN);
    expect(fake.calls[0]?.thisArg).toBe(globalThis);
  });

  it('uses globalThis.fetch by default, looked up at call time', async () => {
    const stub = fakeFetch(ok({ permissions: ['x:y'] }));
    fake = stub;
    const client = new MastraCloudClient({ projectId: PROJECT_ID });
    vi.stubGlobal('fetch', stub.fetch);
    expect(await client.getUserPermissions('u', TOKEN)).toEqual(['x:y']);
    expect(stub.calls[0]?.url).toBe('https://cloud.mastra.ai/api/v1/users/u/permissions');
  });

  it('shares nothing between users: each call sends only its own token', async () => {
    const { client, fake } = setup(ok({ permissions: [] }), ok({ permissions: [] }));
    await client.getUserPermissions('a', 'token-a');
    await client.getUserPermissions('b', 'token-b');
    expect(fake.calls.map((c) => c.headers.get('authorization'))).toEqual([
      'Bearer token-a',
      'Bearer token-b',
    ]);
  });
});
