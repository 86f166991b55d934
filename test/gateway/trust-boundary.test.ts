/**
 * The gateway's trust boundary, end to end in workerd (the real KV binding) and in Node (memory
 * KV): what reaches the runner (a signed identity it can verify, no credentials), the public
 * origin from configuration only, and the HTTP hygiene of refusals and proxied answers.
 */
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { createGatewayIdentityAuth } from '../../src/composite/index.js';
import { DEMO_USER } from '../../src/testing/index.js';
import {
  createHarness,
  GATEWAY,
  type Harness,
  jsonOf,
  PLAYGROUND_TOKEN,
  RUNNER,
  SERVICE_TOKEN,
  SESSION_SECRET,
} from './harness.js';
import { runtimeKv } from './runtime-kv.js';

const IDENTITY_SECRET = 'identity-secret-0123456789-abcdefghij';
const SESSION = '__Host-mastra_session';
const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, Accept: 'application/json' });
/** What a Mastra server hands `authenticateToken`: `{ raw, headers, header }`. */
const mastraRequest = (headers: Headers) => ({
  raw: new Request(`${RUNNER}/api/agents`, { headers }),
  headers,
  header: (name: string) => headers.get(name) ?? undefined,
});

let h: Harness;
beforeEach(async () => {
  h = createHarness(await runtimeKv(), {
    IDENTITY_SIGNING_KEY: IDENTITY_SECRET,
    IDENTITY_AUDIENCE: 'runner',
  });
});

async function signedInBrowser(harness: Harness = h) {
  const browser = harness.browser();
  const { response } = await browser.navigate('/');
  expect(response.status).toBe(200);
  return browser;
}

describe('X-Mastra-Identity', () => {
  it('reaches the runner signed (HS256), and the runner-side provider accepts it as the user', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    const headers = h.received[0]?.headers ?? new Headers();
    const assertion = headers.get('X-Mastra-Identity') ?? '';
    const header = decodeProtectedHeader(assertion);
    const payload = decodeJwt(assertion);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'mastra-identity+jwt' });
    expect(payload).toMatchObject({
      iss: GATEWAY,
      aud: 'runner',
      sub: DEMO_USER.id,
      email: DEMO_USER.email,
      role: 'owner',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBeLessThanOrEqual(60);
    expect(typeof payload.jti).toBe('string');
    const auth = createGatewayIdentityAuth({ key: IDENTITY_SECRET, issuer: GATEWAY, audience: 'runner' });
    const user = await auth.authenticateToken('', mastraRequest(headers));
    expect(user).toMatchObject({ id: DEMO_USER.id, email: DEMO_USER.email });
    expect(auth.authorizeUser(user ?? { id: 'x' })).toBe(true);
  });

  it('is refused by the runner with only the plain headers, a forged assertion, or the wrong audience', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    await h.send('/api/agents', { headers: bearer(token) });
    const forwarded = h.received[0]?.headers ?? new Headers();
    const auth = createGatewayIdentityAuth({ key: IDENTITY_SECRET, issuer: GATEWAY, audience: 'runner' });
    const plain = new Headers(forwarded);
    plain.delete('X-Mastra-Identity');
    expect(await auth.authenticateToken('', mastraRequest(plain))).toBeNull();
    const tampered = new Headers(forwarded);
    tampered.set('X-Mastra-User-Id', 'someone_else');
    expect(await auth.authenticateToken('', mastraRequest(tampered))).toBeNull();
    const other = createGatewayIdentityAuth({
      key: IDENTITY_SECRET,
      issuer: GATEWAY,
      audience: 'other-runner',
    });
    expect(await other.authenticateToken('', mastraRequest(forwarded))).toBeNull();
    const otherIssuer = createGatewayIdentityAuth({
      key: IDENTITY_SECRET,
      issuer: 'https://evil.example',
      audience: 'runner',
    });
    expect(await otherIssuer.authenticateToken('', mastraRequest(forwarded))).toBeNull();
  });

  it('a client-sent X-Mastra-Identity never reaches the runner, and a public path gets none', async () => {
    const publicPaths = createHarness(await runtimeKv(), {
      IDENTITY_SIGNING_KEY: IDENTITY_SECRET,
      PUBLIC_PATHS: '/health',
    });
    await publicPaths.send('/health', { headers: { 'X-Mastra-Identity': 'forged' } });
    expect(publicPaths.received[0]?.headers.get('X-Mastra-Identity')).toBeNull();
  });

  it('signs with an Ed25519 key whose public half /auth/jwks publishes (the audience defaults to UPSTREAM_URL)', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    const jwk = await exportJWK(privateKey);
    const ed = createHarness(await runtimeKv(), { IDENTITY_SIGNING_KEY: JSON.stringify(jwk) });
    const jwks = await ed.send('/auth/jwks');
    expect(jwks.status).toBe(200);
    const set = await jsonOf(jwks);
    expect(JSON.stringify(set)).not.toContain('"d"');
    await ed.send('/api/agents', { headers: bearer(SERVICE_TOKEN) });
    const auth = createGatewayIdentityAuth({ key: set, issuer: GATEWAY, audience: RUNNER });
    const user = await auth.authenticateToken('', mastraRequest(ed.received[0]?.headers ?? new Headers()));
    expect(user).toMatchObject({ id: 'business-api' });
    // An HS256 secret is never published.
    expect((await h.send('/auth/jwks')).status).toBe(404);
  });

  it('refuses to start with a weak key or an Ed25519 key without its private part (500 naming the setting)', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { extractable: true });
    for (const key of ['short', JSON.stringify(await exportJWK(publicKey)), SESSION_SECRET]) {
      const bad = createHarness(await runtimeKv(), { IDENTITY_SIGNING_KEY: key });
      const response = await bad.send('/auth/health');
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).toContain('IDENTITY_SIGNING_KEY');
      expect(text).not.toContain(key);
    }
  });
});

describe('what reaches the runner', () => {
  it('removes Authorization, X-Playground-Access and credential query parameters', async () => {
    const playground = await h.send('/api/agents', { headers: { 'X-Playground-Access': PLAYGROUND_TOKEN } });
    expect(playground.status).toBe(200);
    expect(h.received[0]?.headers.get('X-Playground-Access')).toBeNull();
    expect(h.received[0]?.headers.get('Authorization')).toBeNull();
    const browser = await signedInBrowser();
    const response = await browser.request('/api/agents?apiKey=leak&x=1&ACCESS_TOKEN=leak2&y=%20');
    expect(response.status).toBe(200);
    expect(h.received.at(-1)?.path).toBe('/api/agents?x=1&y=%20');
  });

  it('refuses a header credential together with a query credential (400), before asking anyone', async () => {
    const response = await h.send('/api/agents?token=abc', { headers: bearer(SERVICE_TOKEN) });
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toMatchObject({ error: 'invalid_request' });
    expect(h.received).toHaveLength(0);
  });

  it('takes the public origin from configuration: a forged Host steers neither redirect_uri nor X-Forwarded-Host', async () => {
    const login = await h.gateway.fetch(new Request('https://evil.example/auth/login'), h.env);
    const cloud = new URL(login.headers.get('Location') ?? '');
    expect(cloud.searchParams.get('redirect_uri')).toBe(`${GATEWAY}/auth/callback`);
    await h.gateway.fetch(
      new Request('https://evil.example/api/agents', { headers: bearer(SERVICE_TOKEN) }),
      h.env,
    );
    expect(h.received[0]?.headers.get('X-Forwarded-Host')).toBe('gw.example');
    expect(h.received[0]?.headers.get('X-Forwarded-Proto')).toBe('https');
  });

  it('is a configuration error to run Cloud sign-in without PUBLIC_ORIGIN outside local development', async () => {
    const missing = createHarness(await runtimeKv(), { PUBLIC_ORIGIN: undefined });
    const response = await missing.send('/auth/login');
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('PUBLIC_ORIGIN');
    const fromCallback = createHarness(await runtimeKv(), {
      PUBLIC_ORIGIN: undefined,
      MASTRA_CLOUD_CALLBACK_URL: `${GATEWAY}/auth/callback`,
    });
    expect((await fromCallback.send('/auth/health')).status).toBe(200);
    // Local development (AUTH_COOKIE_SECURE=false) may use a loopback request's own origin, only.
    const local = createHarness(await runtimeKv(), { PUBLIC_ORIGIN: undefined, AUTH_COOKIE_SECURE: 'false' });
    const loopback = await local.gateway.fetch(new Request('http://127.0.0.1:8787/auth/login'), local.env);
    expect(new URL(loopback.headers.get('Location') ?? '').searchParams.get('redirect_uri')).toBe(
      'http://127.0.0.1:8787/auth/callback',
    );
    const forged = await local.gateway.fetch(new Request('http://evil.example/auth/login'), local.env);
    expect(forged.status).toBe(500);
  });
});

describe('HTTP hygiene', () => {
  it('answers a missing credential with the bare challenge, a refused token with error="invalid_token"', async () => {
    const missing = await h.send('/api/agents', { headers: { Accept: 'application/json' } });
    expect(missing.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra"');
    const refused = await h.send('/api/agents', { headers: bearer('not-a-token') });
    expect(refused.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra", error="invalid_token"');
    const me = await h.send('/auth/me', { headers: bearer('not-a-token') });
    expect(me.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra", error="invalid_token"');
  });

  it('marks authenticated answers private, no-store with Vary: Cookie, Authorization', async () => {
    const response = await h.send('/api/agents', { headers: bearer(SERVICE_TOKEN) });
    expect(response.headers.get('Cache-Control')).toBe('private, no-store');
    expect(response.headers.get('Vary')).toBe('Cookie, Authorization');
  });

  it('keeps a runner Cache-Control that is already private or no-store, and merges Vary', async () => {
    const runnerSays = async (cacheControl: string) => {
      const harness = createHarness(await runtimeKv());
      const env = {
        ...harness.env,
        UPSTREAM: {
          fetch: async () =>
            new Response('ok', { headers: { 'Cache-Control': cacheControl, Vary: 'Accept' } }),
        },
      };
      return harness.gateway.fetch(new Request(`${GATEWAY}/x`, { headers: bearer(SERVICE_TOKEN) }), env);
    };
    const own = await runnerSays('private, max-age=30');
    expect(own.headers.get('Cache-Control')).toBe('private, max-age=30');
    expect(own.headers.get('Vary')).toBe('Accept, Cookie, Authorization');
    const shared = await runnerSays('public, max-age=600');
    expect(shared.headers.get('Cache-Control')).toBe('private, no-store');
  });

  it('sets Referrer-Policy: no-referrer on /auth/* answers, errors included', async () => {
    for (const path of ['/auth/login', '/auth/callback?code=x', '/auth/me', '/auth/health', '/auth/nope']) {
      expect((await h.send(path)).headers.get('Referrer-Policy')).toBe('no-referrer');
    }
  });

  it('refuses a cookie-authenticated unsafe method from another site; bearer and same-origin pass', async () => {
    const browser = await signedInBrowser();
    const before = h.received.length;
    const crossSite: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const response = await browser.request('/api/agents', { method, headers, body: 'x' });
        expect(response.status).toBe(403);
        expect(await jsonOf(response)).toMatchObject({ error: 'cross_site_request' });
      }
    }
    expect(h.received.length).toBe(before);
    const sameOrigin = await browser.request('/api/agents', {
      method: 'POST',
      headers: { Origin: GATEWAY, 'Sec-Fetch-Site': 'same-origin' },
      body: 'x',
    });
    expect(sameOrigin.status).toBe(200);
    const crossSiteGet = await browser.request('/api/agents', {
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    expect(crossSiteGet.status).toBe(200);
    const bearerPost = await h.send('/api/agents', {
      method: 'POST',
      headers: { ...bearer(SERVICE_TOKEN), Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      body: 'x',
    });
    expect(bearerPost.status).toBe(200);
  });

  it('refuses a duplicated session cookie (400) and clears it', async () => {
    const browser = await signedInBrowser();
    const value = browser.jar.get(SESSION) ?? '';
    for (const path of ['/api/agents', '/auth/me']) {
      const response = await h.send(path, {
        headers: { Cookie: `${SESSION}=${value}; ${SESSION}=planted`, Accept: 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(await jsonOf(response)).toMatchObject({ error: 'invalid_cookie' });
      const cleared = response.headers.getSetCookie().filter((c) => c.startsWith(`${SESSION}=`));
      expect(cleared).toHaveLength(1);
      expect(cleared[0]).toMatch(/Max-Age=0/i);
    }
  });
});
