import { describe, expect, it } from 'vitest';
import { MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { CloudApiError } from '../../src/errors/index.js';
import type { KVStore } from '../../src/kv-session/index.js';
import { KEY_PREFIXES } from '../../src/kv-session/keys.js';
import type { CloudEmulator } from '../../src/testing/index.js';
import { CAPABILITIES, WIRE } from '../wire.js';
import { ALICE, BOB, CLOUD, harness, mastraLogin, mastraRequest, PROJECT } from './helpers.js';

/** A fetch that holds every Cloud call until released, so concurrent requests really overlap. */
function gatedFetch(cloud: CloudEmulator) {
  let arrivals = 0;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const fetch: typeof globalThis.fetch = async (input, init) => {
    arrivals++;
    await gate;
    return cloud.fetcher(input, init);
  };
  return { fetch, release, arrivals: () => arrivals };
}

/** Lets pending work run until `done()` holds (bounded: a broken implementation fails, never hangs). */
async function settle(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

describe('authenticateToken', () => {
  it('verifies a Bearer token from the token argument or the Authorization header', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    const fromArgument = await h.provider.authenticateToken(token, mastraRequest());
    expect(fromArgument).toMatchObject({
      id: ALICE.id,
      email: ALICE.email,
      role: 'admin',
      sessionToken: token,
    });
    // v1 names when the user was created; the released verify does not.
    if (WIRE === 'v1') expect(fromArgument?.createdAt).toBeInstanceOf(Date);
    else expect(fromArgument?.createdAt).toBeUndefined();
    const fromHeader = await h.provider.authenticateToken(
      '',
      mastraRequest({ Authorization: `Bearer ${token}` }),
    );
    expect(fromHeader?.id).toBe(ALICE.id);
    // Mastra strips only a literal "Bearer ": a lower-case scheme arrives whole.
    const lowerCase = await h.provider.authenticateToken(`bearer ${token}`, mastraRequest());
    expect(lowerCase?.id).toBe(ALICE.id);
  });

  it.each([
    ['a Request', (cookie: string) => new Request('https://app.test/', { headers: { Cookie: cookie } })],
    [
      'a { raw } wrapper',
      (cookie: string) => ({ raw: new Request('https://app.test/', { headers: { cookie } }) }),
    ],
    ['Headers', (cookie: string) => ({ headers: new Headers({ Cookie: cookie }) })],
    [
      'a header() function',
      (cookie: string) => ({ header: (n: string) => (n === 'cookie' ? cookie : undefined) }),
    ],
    ['a plain record', (cookie: string) => ({ headers: { COOKIE: cookie } })],
  ])('reads the session cookie from %s', async (_label, build) => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    const user = await h.provider.authenticateToken('', build(`a=1; ${sessionCookie}`));
    expect(user?.id).toBe(ALICE.id);
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without token', 'Bearer'],
    ['two tokens', 'Bearer a b'],
    ['characters outside token68', 'Bearer a,b'],
  ])('never falls back to the cookie when Authorization has %s', async (_label, authorization) => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    const verifies = h.cloud.calls('verify');
    const request = mastraRequest({ Authorization: authorization, Cookie: sessionCookie });
    // Direct callers pass '', Mastra passes the header minus a literal "Bearer ".
    expect(await h.provider.authenticateToken('', request)).toBeNull();
    expect(await h.provider.authenticateToken(authorization.replace(/^Bearer /, ''), request)).toBeNull();
    expect(h.cloud.calls('verify')).toBe(verifies);
  });

  it('lets a valid Bearer token through whatever stale cookie sits beside it', async () => {
    const h = harness();
    const token = h.cloud.issueToken(BOB.id);
    const stale = '__Host-mastra_session=abc.def.ghi';
    const user = await h.provider.authenticateToken(token, mastraRequest({ Cookie: stale }));
    expect(user?.id).toBe(BOB.id);
  });

  it('treats its own cookie value passed as the token (Mastra refresh path) as the cookie', async () => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    const handle = sessionCookie.slice(sessionCookie.indexOf('=') + 1);
    const before = h.cloud.calls('verify');
    const user = await h.provider.authenticateToken(handle, mastraRequest({ Cookie: sessionCookie }));
    expect(user?.id).toBe(ALICE.id);
    // Opened as the cookie (its token was cached at login); never sent to Cloud as a bearer token.
    expect(h.cloud.calls('verify')).toBe(before);
  });

  it('needs no Cloud verify for the first request after login (the exchange primed the cache)', async () => {
    const h = harness();
    const { sessionCookie } = await mastraLogin(h);
    // A callback that names no user costs one verify at sign-in, whose answer primes the cache.
    expect(h.cloud.calls('verify')).toBe(CAPABILITIES.callbackReturnsSession ? 0 : 1);
    const atLogin = h.cloud.calls('verify');
    const user = await h.provider.authenticateToken('', mastraRequest({ Cookie: sessionCookie }));
    expect(user?.id).toBe(ALICE.id);
    expect(h.cloud.calls('verify')).toBe(atLogin);
  });

  it('returns null for no credential, a bad token and a tampered cookie', async () => {
    const h = harness();
    expect(await h.provider.authenticateToken('', mastraRequest())).toBeNull();
    expect(await h.provider.authenticateToken('not-a-cloud-token', mastraRequest())).toBeNull();
    const { sessionCookie } = await mastraLogin(h);
    const tampered = `${sessionCookie.slice(0, -3)}${sessionCookie.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect(await h.provider.authenticateToken('', mastraRequest({ Cookie: tampered }))).toBeNull();
    expect(
      await h.provider.authenticateToken('', mastraRequest({ Cookie: `${sessionCookie}; ${sessionCookie}` })),
    ).toBeNull();
  });

  it('calls Cloud once for N sequential requests with one token', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    for (let i = 0; i < 10; i++)
      expect((await h.provider.authenticateToken(token, mastraRequest()))?.id).toBe(ALICE.id);
    expect(h.cloud.calls('verify')).toBe(1);
  });

  it('calls Cloud once for N concurrent requests when coalescing per isolate', async () => {
    const h = harness();
    const gated = gatedFetch(h.cloud);
    const client = new MastraCloudClient({
      projectId: PROJECT,
      baseUrl: CLOUD,
      wire: WIRE,
      fetch: gated.fetch,
      retries: 0,
    });
    const provider = h.other({ client, cache: { coalesce: 'isolate' } });
    const token = h.cloud.issueToken(ALICE.id);
    const all = Promise.all(
      Array.from({ length: 8 }, () => provider.authenticateToken(token, mastraRequest())),
    );
    await settle(() => gated.arrivals() >= 1);
    await settle(() => false);
    gated.release();
    const users = await all;
    expect(users.map((u) => u?.id)).toEqual(Array(8).fill(ALICE.id));
    expect(gated.arrivals()).toBe(1);
    expect(h.cloud.calls('verify')).toBe(1);
  });

  it('calls Cloud once per concurrent request without coalescing (the safe default for workerd)', async () => {
    const h = harness();
    const gated = gatedFetch(h.cloud);
    const client = new MastraCloudClient({
      projectId: PROJECT,
      baseUrl: CLOUD,
      wire: WIRE,
      fetch: gated.fetch,
      retries: 0,
    });
    const provider = h.other({ client });
    const token = h.cloud.issueToken(ALICE.id);
    const all = Promise.all(
      Array.from({ length: 8 }, () => provider.authenticateToken(token, mastraRequest())),
    );
    await settle(() => gated.arrivals() === 8);
    gated.release();
    await all;
    expect(h.cloud.calls('verify')).toBe(8);
    // Afterwards every request is served from the cache.
    await provider.authenticateToken(token, mastraRequest());
    expect(h.cloud.calls('verify')).toBe(8);
  });

  it('shares verify answers between isolates through KV', async () => {
    const h = harness({}, { locations: ['main'] });
    const token = h.cloud.issueToken(ALICE.id);
    await h.provider.authenticateToken(token, mastraRequest());
    const second = await h.other().authenticateToken(token, mastraRequest());
    expect(second?.id).toBe(ALICE.id);
    expect(h.cloud.calls('verify')).toBe(1);
  });

  it('caches a rejection briefly (negative cache)', async () => {
    const h = harness({ cache: { negativeTtlMs: 10_000 } });
    const token = h.cloud.issueToken(ALICE.id);
    h.cloud.revokeToken(token);
    expect(await h.provider.authenticateToken(token, mastraRequest())).toBeNull();
    expect(await h.provider.authenticateToken(token, mastraRequest())).toBeNull();
    expect(h.cloud.calls('verify')).toBe(1);
    h.clock.advance(10_001);
    expect(await h.provider.authenticateToken(token, mastraRequest())).toBeNull();
    expect(h.cloud.calls('verify')).toBe(2);
  });

  it('throws a typed unavailable error during an outage, and never caches it', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    h.cloud.injectFault({ route: 'verify', kind: 'http_error', status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await h.provider.authenticateToken(token, mastraRequest()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CloudApiError);
      expect(error).toMatchObject({ family: 'unavailable', status: 503 });
    }
    expect((await h.provider.authenticateToken(token, mastraRequest()))?.id).toBe(ALICE.id);
    expect(h.cloud.calls('verify')).toBe(3);
  });

  it('keeps serving a fresh cached answer while Cloud is down', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    await h.provider.authenticateToken(token, mastraRequest());
    h.cloud.injectFault({ kind: 'network_error' });
    h.clock.advance(30_000);
    expect((await h.provider.authenticateToken(token, mastraRequest()))?.id).toBe(ALICE.id);
  });

  it('degrades to Cloud calls when cache entries cannot be read from KV, and reports it', async () => {
    const reports: unknown[] = [];
    const h = harness({ onError: (report) => reports.push(report) });
    const store = h.kv.location('main');
    const blind: KVStore = {
      get: (key, type) =>
        key.startsWith(KEY_PREFIXES.verify)
          ? Promise.reject(new Error('KV GET failed: 503'))
          : store.get(key, type),
      put: () => Promise.reject(new Error('KV PUT failed: 503')),
      delete: (key) => store.delete(key),
    };
    const token = h.cloud.issueToken(ALICE.id);
    expect((await h.other({ kv: blind }).authenticateToken(token, mastraRequest()))?.id).toBe(ALICE.id);
    expect((await h.other({ kv: blind }).authenticateToken(token, mastraRequest()))?.id).toBe(ALICE.id);
    expect(h.cloud.calls('verify')).toBe(2);
    expect(reports).toContainEqual(
      expect.objectContaining({ source: 'storage', operation: 'get', record: 'verify' }),
    );
  });

  it('answers an outage, not a user, when the revocation state cannot be read', async () => {
    const h = harness({ onError: () => {} });
    const token = h.cloud.issueToken(ALICE.id);
    await h.provider.authenticateToken(token, mastraRequest());
    h.kv.failAlways('get');
    const fresh = h.other();
    await expect(fresh.authenticateToken(token, mastraRequest())).rejects.toMatchObject({
      family: 'unavailable',
      status: 503,
    });
  });

  it('never stores a raw token in KV keys or values', async () => {
    const h = harness();
    const { result } = await mastraLogin(h);
    const token = result.tokens.accessToken;
    const bearer = h.cloud.issueToken(BOB.id);
    const bob = await h.provider.authenticateToken(bearer, mastraRequest());
    await h.provider.getPermissions(bob!);
    await h.provider.authenticateToken(token, mastraRequest());
    await h.provider.getPermissions(result.user);
    const stored = h.kv.everything();
    expect(stored.length).toBeGreaterThan(0);
    for (const entry of stored) {
      expect(entry).not.toContain(token);
      expect(entry).not.toContain(bearer);
    }
    // Permissions are cached only when Cloud is asked for them (else they come from the role).
    const kinds = CAPABILITIES.hasUsersEndpoint ? ['verify', 'perm', 'session'] : ['verify', 'session'];
    expect(h.kv.records().map((r) => r.key.split(':')[0])).toEqual(expect.arrayContaining(kinds));
  });
});

describe('authorizeUser and mapUserToResourceId', () => {
  it("hands every cached request with one Bearer token the same user object, never another token's", async () => {
    const h = harness();
    const alice = h.cloud.issueToken(ALICE.id);
    const bob = h.cloud.issueToken(BOB.id);
    const loaded = await h.provider.authenticateToken(alice, mastraRequest());
    const first = await h.provider.authenticateToken(alice, mastraRequest());
    const again = await h.provider.authenticateToken('', mastraRequest({ Authorization: `Bearer ${alice}` }));
    expect(first).toEqual(loaded);
    expect(again).toBe(first);
    const other = await h.provider.authenticateToken(bob, mastraRequest());
    expect(other).toMatchObject({ id: BOB.id, sessionToken: bob });
    expect(await h.provider.authenticateToken(`${alice}x`, mastraRequest())).toBeNull();
    expect(h.cloud.calls('verify')).toBe(3);
  });

  it('a logout in this isolate refuses the token at once, although its user object was cached', async () => {
    const h = harness();
    const { result, sessionCookie } = await mastraLogin(h);
    const token = result.user.sessionToken;
    const bearer = await h.provider.authenticateToken(token, mastraRequest());
    expect(await h.provider.authenticateToken(token, mastraRequest())).toBe(bearer);
    await h.provider.destroySession(sessionCookie.slice(sessionCookie.indexOf('=') + 1));
    expect(h.provider.authorizeUser(bearer!, mastraRequest())).toBe(false);
    expect(await h.provider.authenticateToken(token, mastraRequest())).toBeNull();
  });

  it('authorizes only users this provider produced', async () => {
    const h = harness();
    const token = h.cloud.issueToken(ALICE.id);
    const user = await h.provider.authenticateToken(token, mastraRequest());
    expect(h.provider.authorizeUser(user!, mastraRequest())).toBe(true);
    expect(h.provider.authorizeUser({ ...user! }, mastraRequest())).toBe(false);
    expect(h.other().authorizeUser(user!, mastraRequest())).toBe(false);
    expect(h.provider.mapUserToResourceId(user!)).toBe(ALICE.id);
  });
});
