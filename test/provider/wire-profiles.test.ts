/**
 * The provider over either Cloud wire profile: it depends on the `CloudApi` interface only, its
 * KV entries have their own versioned layout (so they survive a switch of profile and a foreign
 * entry is a miss, never a crash), and what the released profile adds (project API tokens, the
 * logout hint) reaches the provider's callers.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CloudApi,
  type CloudUserProfile,
  type CloudWire,
  MastraCloudClient,
} from '../../src/cloud-fetch/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { storageKeyFor } from '../../src/kv-session/keys.js';
import { MastraCloudAuthProvider } from '../../src/provider/index.js';
import { decodeProfile, encodeProfile } from '../../src/provider/profile-codec.js';
import { createCloudEmulator, KVDouble, ManualClock } from '../../src/testing/index.js';
import { ALICE, BOB, CALLBACK, CLOUD, mastraLogin, mastraRequest, PROJECT, SECRET } from './helpers.js';

/** A provider and its own emulator speaking `wire`, on a shared KV store and clock. */
function onWire(wire: CloudWire, kv: KVDouble, clock: ManualClock) {
  const cloud = createCloudEmulator({
    wire,
    projectId: PROJECT,
    now: () => clock.now(),
    users: [ALICE, BOB],
  });
  const client = new MastraCloudClient({
    wire,
    projectId: PROJECT,
    baseUrl: CLOUD,
    fetch: cloud.fetcher,
    retries: 0,
    now: () => clock.now(),
  });
  const provider = new MastraCloudAuthProvider({
    client,
    sessionSecret: SECRET,
    kv: kv.location('main'),
    clock,
  });
  return { cloud, client, provider };
}

const profile = fc.record(
  {
    id: fc.string({ minLength: 1, maxLength: 40 }),
    email: fc.string({ maxLength: 40 }),
    name: fc.string({ maxLength: 40 }),
    avatarUrl: fc.constantFrom('https://img.example.com/a.png', 'http://localhost/x'),
    role: fc.constantFrom('owner', 'admin', 'member', 'viewer', 'api'),
    createdAt: fc.date({ min: new Date(0), max: new Date(8.64e15), noInvalidDate: true }),
    metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue()),
  },
  { requiredKeys: ['id'] },
);

describe('profile storage codec', () => {
  it('round-trips every profile through JSON, whichever fields a wire gave', () => {
    fc.assert(
      fc.property(profile, (p) => {
        const stored = JSON.parse(JSON.stringify(encodeProfile(p as CloudUserProfile)));
        expect(stored.v).toBe(1);
        expect(decodeProfile(stored)).toEqual(JSON.parse(JSON.stringify(p), reviveDate));
      }),
    );
  });

  it('reads the 0.1 layout (v1 wire shape), and treats other layouts as a miss', () => {
    const legacy = {
      user: { id: 'u1', email: 'a@b.c', role: 'admin', created_at: '2024-01-01T00:00:00.000Z' },
    };
    expect(decodeProfile(legacy)).toEqual({
      id: 'u1',
      email: 'a@b.c',
      role: 'admin',
      createdAt: new Date('2024-01-01T00:00:00.000Z'),
    });
    expect(decodeProfile({ v: 2, id: 'u1' })).toBeNull();
    expect(decodeProfile({ v: 1, id: '' })).toBeNull();
    expect(decodeProfile({ v: 1, id: 'u', avatarUrl: 'javascript:alert(1)' })).toBeNull();
    expect(decodeProfile({ v: 1, id: 'u', createdAt: '2024' })).toBeNull();
    expect(decodeProfile({ sub: 'u1', email: 'a@b.c' })).toBeNull();
  });

  it('never throws on anything read back from KV', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const decoded = decodeProfile(value);
        expect(decoded === null || typeof decoded.id === 'string').toBe(true);
      }),
    );
  });
});

describe('switching wire profiles', () => {
  it('reads cached profiles written under the other profile, without asking Cloud', async () => {
    const clock = new ManualClock();
    const kv = new KVDouble({ clock, locations: ['main'] });
    const v1 = onWire('v1', kv, clock);
    const token = v1.cloud.issueToken(ALICE.id);
    const first = await v1.provider.authenticateToken(token, mastraRequest());
    expect(first).toMatchObject({ id: ALICE.id, email: ALICE.email, role: 'admin' });

    // Same KV, a new isolate speaking the released wire: the cached answer is read as is.
    const released = onWire('released', kv, clock);
    const again = await released.provider.authenticateToken(token, mastraRequest());
    expect(again).toMatchObject({ id: ALICE.id, email: ALICE.email, role: 'admin' });
    expect(released.cloud.calls('verify')).toBe(0);

    // And the other way: a released entry (no createdAt) read by a v1 isolate.
    const bobToken = released.cloud.issueToken(BOB.id);
    await released.provider.authenticateToken(bobToken, mastraRequest());
    const back = onWire('v1', kv, clock);
    expect(await back.provider.authenticateToken(bobToken, mastraRequest())).toMatchObject({ id: BOB.id });
    expect(back.cloud.calls('verify')).toBe(0);
  });

  it('treats a cached value it cannot read as a miss and asks Cloud', async () => {
    const clock = new ManualClock();
    const kv = new KVDouble({ clock, locations: ['main'] });
    const { cloud, provider } = onWire('released', kv, clock);
    const now = clock.now();
    const entry = (value: unknown) =>
      JSON.stringify({ v: 1, kind: 'ok', value, storedAt: now, expiresAt: now + 60_000 });
    // An entry in this release's layout is served as is (so the key and envelope here are right)...
    const known = cloud.issueToken(BOB.id);
    await kv
      .location('main')
      .put(await storageKeyFor('verify', known), entry({ v: 1, id: BOB.id, role: 'viewer' }));
    expect(await provider.authenticateToken(known, mastraRequest())).toMatchObject({
      id: BOB.id,
      role: 'viewer',
    });
    expect(cloud.calls('verify')).toBe(0);
    // ...and one in a layout it does not know is a miss: Cloud answers instead.
    const token = cloud.issueToken(ALICE.id);
    await kv
      .location('main')
      .put(await storageKeyFor('verify', token), entry({ v: 9, who: 'a future release' }));
    expect(await provider.authenticateToken(token, mastraRequest())).toMatchObject({ id: ALICE.id });
    expect(cloud.calls('verify')).toBe(1);
  });
});

describe('released profile through the provider', () => {
  it('authenticates a project API token as { id: "api-token", role: "api" } with api permissions', async () => {
    const clock = new ManualClock();
    const { cloud, provider } = onWire('released', new KVDouble({ clock }), clock);
    const user = await provider.authenticateToken(cloud.issueApiToken(), mastraRequest());
    expect(user).toMatchObject({ id: 'api-token', role: 'api' });
    expect(user?.email).toBeUndefined();
    expect(await provider.getPermissions(user!)).toEqual(['*:read', '*:write', '*:execute']);
    expect(provider.authorizeUser(user!)).toBe(true);
  });

  it('offers the session token as id_token_hint on the logout URL, only on the released wire', async () => {
    for (const wire of ['v1', 'released'] as const) {
      const clock = new ManualClock();
      const h = onWire(wire, new KVDouble({ clock }), clock);
      const { sessionCookie, result } = await mastraLogin({ provider: h.provider, cloud: h.cloud });
      const request = new Request('https://app.test/api/auth/logout', { headers: { Cookie: sessionCookie } });
      const url = new URL((await h.provider.getLogoutUrl('https://app.test/', request)) ?? '');
      if (wire === 'released') {
        expect(url.searchParams.get('post_logout_redirect_uri')).toBe('https://app.test/');
        expect(url.searchParams.get('id_token_hint')).toBe(result.tokens.accessToken);
      } else {
        expect([...url.searchParams.keys()]).toEqual(['redirect_uri']);
      }
      // Without a session cookie there is no hint; the URL is still Cloud's.
      const bare = new URL((await h.provider.getLogoutUrl('https://app.test/')) ?? '');
      expect(bare.searchParams.has('id_token_hint')).toBe(false);
    }
  });

  it('signs in with the released login: the callback primes the cache with the one verify', async () => {
    const clock = new ManualClock();
    const { cloud, provider } = onWire('released', new KVDouble({ clock }), clock);
    const { result, sessionCookie } = await mastraLogin({ provider, cloud });
    expect(result.user).toMatchObject({ id: ALICE.id, role: 'admin' });
    expect(result.tokens.expiresAt).toEqual(new Date(clock.now() + 3_600_000));
    expect(cloud.calls('verify')).toBe(1);
    const session = await provider.validateSession(sessionCookie.slice(sessionCookie.indexOf('=') + 1));
    expect(session).toMatchObject({ userId: ALICE.id });
    expect(session?.id).toMatch(/^ts_/);
    expect(cloud.calls('verify')).toBe(1);
  });
});

describe('released sign-in failures', () => {
  it('reports an outage of the verify after the exchange as unavailable, with a fixed message', async () => {
    const clock = new ManualClock();
    const { cloud, provider } = onWire('released', new KVDouble({ clock }), clock);
    cloud.injectFault({ route: 'verify', kind: 'http_error', status: 503 });
    const error = await mastraLogin({ provider, cloud }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'CloudApiError', status: 503, family: 'unavailable' });
    expect(String((error as Error).message)).toBe(
      'Mastra Cloud could not be reached to complete the sign-in; try again',
    );
    expect(cloud.calls('callback')).toBe(1);
  });

  it('refuses the sign-in when Cloud refuses the new token', async () => {
    const clock = new ManualClock();
    const { cloud, provider } = onWire('released', new KVDouble({ clock }), clock);
    cloud.injectFault({ route: 'verify', kind: 'ok_false', status: 401, code: 'invalid_token' });
    const error = await mastraLogin({ provider, cloud }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'invalid_token', family: 'rejected' });
    expect(String((error as Error).message)).toBe('Mastra Cloud refused the sign-in; sign in again');
  });
});

describe('provider options', () => {
  it('takes any CloudApi (structural, no instanceof) and checks wire against it', () => {
    const client = new MastraCloudClient({ projectId: PROJECT, baseUrl: CLOUD, wire: 'released' });
    const facade: CloudApi = {
      wire: client.wire,
      capabilities: client.capabilities,
      projectId: client.projectId,
      baseUrl: client.baseUrl,
      getLoginUrl: (p) => client.getLoginUrl(p),
      getLogoutUrl: (u, h) => client.getLogoutUrl(u, h),
      exchangeCode: (p) => client.exchangeCode(p),
      verifyToken: (t) => client.verifyToken(t),
      validateSession: (t) => client.validateSession(t),
      destroySession: (t, id) => client.destroySession(t, id),
      getUser: (id, t) => client.getUser(id, t),
      getUserPermissions: (id, t) => client.getUserPermissions(id, t),
    };
    expect(new MastraCloudAuthProvider({ client: facade, sessionSecret: SECRET })).toBeInstanceOf(
      MastraCloudAuthProvider,
    );
    expect(() => new MastraCloudAuthProvider({ client: facade, wire: 'v1', sessionSecret: SECRET })).toThrow(
      /wire \('v1'\) does not match client\.wire \('released'\)/,
    );
    expect(
      () =>
        new MastraCloudAuthProvider({
          client: { verifyToken() {} } as unknown as CloudApi,
          sessionSecret: SECRET,
        }),
    ).toThrow(/client must implement CloudApi/);
    expect(
      () =>
        new MastraCloudAuthProvider({
          projectId: PROJECT,
          cloudBaseUrl: CLOUD,
          wire: 'v2' as CloudWire,
          sessionSecret: SECRET,
        }),
    ).toThrow(/wire must be one of 'v1', 'released'/);
  });

  it("accepts upstream's option names; the missing session secret is a ConfigError naming it", () => {
    const build = () =>
      new MastraCloudAuthProvider({ projectId: PROJECT, cloudBaseUrl: CLOUD, callbackUrl: CALLBACK });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(expect.objectContaining({ setting: 'SESSION_SECRET' }));
    const provider = new MastraCloudAuthProvider({
      projectId: PROJECT,
      cloudBaseUrl: CLOUD,
      callbackUrl: CALLBACK,
      wire: 'released',
      sessionSecret: SECRET,
    });
    expect(provider.isMastraCloudAuth).toBe(true);
  });
});

function reviveDate(key: string, value: unknown): unknown {
  return key === 'createdAt' && typeof value === 'string' ? new Date(value) : value;
}
