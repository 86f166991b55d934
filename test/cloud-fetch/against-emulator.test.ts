/**
 * Every client call against the Cloud emulator (`mastra-edge-auth/testing`): a full PKCE login,
 * the token, session and user calls, and each injected fault mapped to its error family. Runs once
 * per wire profile (see test/wire.ts): client and emulator speak the project's profile.
 */
import { describe, expect, it } from 'vitest';
import { type CloudClientOptions, MastraCloudClient } from '../../src/cloud-fetch/index.js';
import {
  type CloudEmulator,
  createCloudEmulator,
  DEMO_USER,
  type EmulatorFault,
} from '../../src/testing/index.js';
import { cloudError } from '../support/errors.js';
import { CAPABILITIES, WIRE } from '../wire.js';

const PROJECT = 'proj_emu';
const BASE = 'https://cloud.test';
const APP_CALLBACK = 'https://app.example.com/auth/callback';

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

function setup(options: Partial<CloudClientOptions> = {}, clock: () => number = fixedClock()) {
  const cloud = createCloudEmulator({ wire: WIRE, projectId: PROJECT, now: clock });
  const sleeps: number[] = [];
  const client = new MastraCloudClient({
    wire: WIRE,
    now: clock,
    projectId: PROJECT,
    baseUrl: `${BASE}/`,
    fetch: cloud.fetcher,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { cloud, client, sleeps };
}

/** One clock for Cloud and client, so session times the client derives compare exactly. */
function fixedClock(): () => number {
  const start = Date.now();
  return () => start;
}

/** Runs the browser half of the login against the emulator; returns the code from the 302. */
async function authorize(
  cloud: CloudEmulator,
  client: MastraCloudClient,
  challenge: string,
  state = 'st-1|/home',
) {
  const loginUrl = client.getLoginUrl({ redirectUri: APP_CALLBACK, state, codeChallenge: challenge });
  const response = await cloud.fetch(new Request(loginUrl, { redirect: 'manual' }));
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(APP_CALLBACK);
  expect(location.searchParams.get('state')).toBe(state);
  return location.searchParams.get('code') ?? '';
}

async function login(cloud: CloudEmulator, client: MastraCloudClient) {
  const { verifier, challenge } = await pkcePair();
  const code = await authorize(cloud, client, challenge);
  return client.exchangeCode({ code, codeVerifier: verifier, redirectUri: APP_CALLBACK });
}

describe('PKCE login against the emulator', () => {
  it('exchanges the code from the 302 for a token, the user and the session', async () => {
    const { cloud, client } = setup();
    const { token, user, session } = await login(cloud, client);
    expect(user).toMatchObject({
      id: DEMO_USER.id,
      email: DEMO_USER.email,
      name: DEMO_USER.name,
      role: 'owner',
    });
    expect(user.sessionToken).toBe(token);
    // v1 names when the user was created; the released verify does not.
    expect(user.createdAt === undefined).toBe(WIRE === 'released');
    expect(session.userId).toBe(DEMO_USER.id);
    expect(session.expiresAt.getTime()).toBeGreaterThan(session.createdAt.getTime());
    expect(cloud.calls('oss')).toBe(1);
    expect(cloud.calls('callback')).toBe(1);
    // A callback that names no user is followed by one verify of the new token.
    expect(cloud.calls('verify')).toBe(CAPABILITIES.callbackReturnsSession ? 0 : 1);
  });

  it('refuses a replayed code as 400 invalid_grant, without retrying', async () => {
    const { cloud, client } = setup();
    const { verifier, challenge } = await pkcePair();
    const code = await authorize(cloud, client, challenge);
    await client.exchangeCode({ code, codeVerifier: verifier, redirectUri: APP_CALLBACK });
    const error = await cloudError(
      client.exchangeCode({ code, codeVerifier: verifier, redirectUri: APP_CALLBACK }),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', family: 'rejected' });
    expect(cloud.calls('callback')).toBe(2);
  });

  it('refuses a wrong verifier as invalid_grant', async () => {
    const { cloud, client } = setup();
    const { challenge } = await pkcePair();
    const other = await pkcePair();
    const code = await authorize(cloud, client, challenge);
    const error = await cloudError(
      client.exchangeCode({ code, codeVerifier: other.verifier, redirectUri: APP_CALLBACK }),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', family: 'rejected' });
  });

  it('builds a logout URL the emulator redirects back from', async () => {
    const { cloud, client } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    const url = client.getLogoutUrl('https://app.example.com/bye', token);
    const response = await cloud.fetch(new Request(url));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://app.example.com/bye');
  });
});

describe('token, session and user calls against the emulator', () => {
  it('verifies the token (with its expiry when the wire sends one)', async () => {
    const { cloud, client } = setup();
    const { token, session } = await login(cloud, client);
    const { user, expiresAt } = await client.verifyToken(token);
    expect(user).toMatchObject({ id: DEMO_USER.id, sessionToken: token });
    if (WIRE === 'v1') expect(expiresAt!.getTime()).toBeGreaterThanOrEqual(session.expiresAt.getTime());
    else expect(expiresAt).toBeUndefined();
  });

  it('validates the session, then destroys it, after which the token is refused', async () => {
    const { cloud, client } = setup();
    const { token, session } = await login(cloud, client);
    expect(await client.validateSession(token)).toEqual(session);
    await client.destroySession(token, session.id);
    const verifies = cloud.calls('verify');
    const error = await cloudError(client.verifyToken(token));
    expect(error).toMatchObject({ status: 401, code: 'invalid_token', family: 'rejected' });
    expect(cloud.calls('verify')).toBe(verifies + 1);
  });

  it.runIf(!CAPABILITIES.hasUsersEndpoint)(
    'refuses user look-ups without a request when Cloud has no users endpoint',
    async () => {
      const { cloud, client } = setup();
      const token = cloud.issueToken(DEMO_USER.id);
      for (const call of [
        client.getUser(DEMO_USER.id, token),
        client.getUserPermissions(DEMO_USER.id, token),
      ]) {
        expect(await cloudError(call)).toMatchObject({
          status: 501,
          code: 'not_implemented',
          family: 'rejected',
        });
      }
      expect(cloud.calls()).toBe(0);
    },
  );

  it.runIf(CAPABILITIES.hasUsersEndpoint)(
    'reads users (404 -> null) and the own permissions; others are forbidden',
    async () => {
      const { cloud, client } = setup();
      cloud.addUser({ id: 'a/b c', email: 'odd@example.com', role: 'viewer' });
      const token = cloud.issueToken(DEMO_USER.id);
      const odd = cloud.issueToken('a/b c');
      expect(await client.getUser('a/b c', token)).toMatchObject({
        id: 'a/b c',
        role: 'viewer',
        sessionToken: token,
      });
      expect(await client.getUser('ghost', token)).toBeNull();
      expect(await client.getUserPermissions(DEMO_USER.id, token)).toEqual(['*']);
      expect(await client.getUserPermissions('a/b c', odd)).toEqual(['*:read']);
      const error = await cloudError(client.getUserPermissions('a/b c', token));
      expect(error).toMatchObject({ status: 403, family: 'rejected' });
    },
  );

  it('refuses revoked and expired tokens as definitive no', async () => {
    let now = Date.UTC(2025, 0, 1);
    const { cloud, client } = setup({}, () => now);
    const revoked = cloud.issueToken(DEMO_USER.id);
    cloud.revokeToken(revoked);
    expect(await cloudError(client.verifyToken(revoked))).toMatchObject({
      code: 'invalid_token',
      family: 'rejected',
    });
    const expiring = cloud.issueToken(DEMO_USER.id, { ttlSeconds: 60 });
    now += 61_000;
    expect(await cloudError(client.verifyToken(expiring))).toMatchObject({
      code: 'token_expired',
      family: 'rejected',
    });
    expect(await cloudError(client.validateSession(expiring))).toMatchObject({ family: 'rejected' });
  });

  it('is refused as invalid_project with another project id', async () => {
    const { cloud } = setup();
    const stranger = new MastraCloudClient({
      projectId: 'proj_other',
      baseUrl: BASE,
      wire: WIRE,
      fetch: cloud.fetcher,
    });
    const error = await cloudError(stranger.verifyToken(cloud.issueToken(DEMO_USER.id)));
    expect(error).toMatchObject({ status: 400, code: 'invalid_project', family: 'misconfigured' });
  });
});

describe('emulator faults', () => {
  it('retries a safe call through a short outage and succeeds', async () => {
    const { cloud, client, sleeps } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ route: 'verify', kind: 'http_error', status: 503, times: 1 });
    await expect(client.verifyToken(token)).resolves.toMatchObject({ user: { id: DEMO_USER.id } });
    expect(cloud.calls('verify')).toBe(2);
    expect(sleeps).toEqual([1000]);
  });

  it('makes one call, not a retry, when Cloud hangs', async () => {
    const { cloud, client, sleeps } = setup({ deadlineMs: 30 });
    cloud.injectFault({ route: 'verify', kind: 'hang' });
    await expect(client.verifyToken(cloud.issueToken(DEMO_USER.id))).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(cloud.calls('verify')).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('never retries the code exchange or destroy', async () => {
    const { cloud, client } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'network_error' });
    expect(await cloudError(client.destroySession(token, 'sess_x'))).toMatchObject({ code: 'network_error' });
    const { challenge, verifier } = await pkcePair();
    const code = await authorize(cloud, client, challenge);
    const error = await cloudError(
      client.exchangeCode({ code, codeVerifier: verifier, redirectUri: APP_CALLBACK }),
    );
    expect(error).toMatchObject({ status: 0, code: 'network_error', family: 'unavailable' });
    expect(cloud.calls('session.destroy')).toBe(1);
    expect(cloud.calls('callback')).toBe(1);
  });

  type Call = [string, (c: MastraCloudClient, token: string) => Promise<unknown>];
  const userCalls: Call[] = [
    ['getUser', (c, t) => c.getUser(DEMO_USER.id, t)],
    ['getUserPermissions', (c, t) => c.getUserPermissions(DEMO_USER.id, t)],
  ];
  const calls: Call[] = [
    ['verifyToken', (c, t) => c.verifyToken(t)],
    ['validateSession', (c, t) => c.validateSession(t)],
    ...(CAPABILITIES.hasUsersEndpoint ? userCalls : []),
    ['destroySession', (c, t) => c.destroySession(t, 'sess_x')],
  ];
  // The released destroy's answer body is ignored (CONTRACT 1b): any 2xx ends the call well.
  const bodyIgnored = (name: string, fault: EmulatorFault) =>
    WIRE === 'released' &&
    name === 'destroySession' &&
    ['non_json', 'ok_without_data', 'bad_shape'].includes(fault.kind);
  const faults: Array<[EmulatorFault, Record<string, unknown>]> = [
    [
      { kind: 'http_error', status: 500 },
      { status: 500, family: 'unavailable' },
    ],
    [
      { kind: 'http_error', status: 429 },
      { status: 429, family: 'unavailable', retryAfter: 1 },
    ],
    [
      { kind: 'ok_false', status: 503, code: 'busy' },
      { status: 503, code: 'cloud_unavailable', cloudCode: 'busy', family: 'unavailable' },
    ],
    [
      { kind: 'ok_false', status: 401, code: 'invalid_token' },
      { status: 401, family: 'rejected' },
    ],
    [{ kind: 'non_json' }, { status: 200, code: 'bad_response', family: 'unavailable' }],
    [{ kind: 'ok_without_data' }, { status: 502, code: 'bad_response', family: 'unavailable' }],
    [{ kind: 'bad_shape' }, { status: 502, code: 'bad_response', family: 'unavailable' }],
    [{ kind: 'redirect' }, { status: 302, code: 'redirect', family: 'unavailable' }],
    [{ kind: 'network_error' }, { status: 0, code: 'network_error', family: 'unavailable' }],
    [{ kind: 'hang' }, { status: 0, code: 'timeout', family: 'unavailable' }],
  ];
  for (const [name, call] of calls) {
    it.each(faults)(`${name} maps fault %j`, async (fault, expected) => {
      const { cloud, client } = setup({ retries: 0, timeoutMs: 20 });
      const token = cloud.issueToken(DEMO_USER.id);
      cloud.injectFault(fault);
      if (bodyIgnored(name, fault)) {
        await expect(call(client, token)).resolves.toBeUndefined();
        return;
      }
      const error = await cloudError(call(client, token));
      expect(error).toMatchObject(expected);
      expect(error.message).not.toContain(token);
    });
  }

  it('maps a bad callback shape and a hanging callback', async () => {
    const { cloud, client } = setup({ timeoutMs: 20 });
    for (const [fault, expected] of [
      [
        { route: 'callback', kind: 'bad_shape', times: 1 },
        { status: 502, code: 'bad_response' },
      ],
      [
        { route: 'callback', kind: 'hang', times: 1 },
        { status: 0, code: 'timeout' },
      ],
    ] as const) {
      cloud.injectFault(fault);
      const { challenge, verifier } = await pkcePair();
      const code = await authorize(cloud, client, challenge);
      const error = await cloudError(
        client.exchangeCode({ code, codeVerifier: verifier, redirectUri: APP_CALLBACK }),
      );
      expect(error).toMatchObject({ ...expected, family: 'unavailable' });
    }
  });
});
