/**
 * End to end in workerd: service tokens, Cloud Bearer tokens, identity-header spoofing, Cloud
 * verify counts, and Cloud outages with and without a cached verdict.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeUserHeader } from '../../src/gateway/index.js';
import { DEMO_USER } from '../../src/testing/index.js';
import { createHarness, type Harness, jsonOf, PLAYGROUND_TOKEN, SERVICE_TOKEN } from './harness.js';
import { authKv } from './workers-env.js';

const API = { Accept: 'application/json' };
const SPOOF = {
  'X-Mastra-User-Id': 'admin',
  'X-Mastra-User': 'eyJpZCI6ImFkbWluIn0',
  'x-mastra-user-email': 'a@b',
};

let h: Harness;
beforeEach(async () => {
  h = createHarness(await authKv());
});

const bearer = (token: string) => ({ ...API, Authorization: `Bearer ${token}` });

describe('service tokens', () => {
  it.each([
    ['Authorization: Bearer', { Authorization: `Bearer ${SERVICE_TOKEN}` }],
    ['Authorization, scheme in another case', { Authorization: `bEaReR ${PLAYGROUND_TOKEN}` }],
    ['X-Playground-Access', { 'X-Playground-Access': PLAYGROUND_TOKEN }],
  ])('admits %s as business-api without asking Cloud', async (_label, headers) => {
    const response = await h.send('/api/agents', { headers: { ...API, ...headers } });
    expect(response.status).toBe(200);
    expect(h.received[0]?.headers.get('X-Mastra-User-Id')).toBe('business-api');
    expect(decodeUserHeader(h.received[0]?.headers.get('X-Mastra-User') ?? '')).toEqual({
      id: 'business-api',
      role: 'api',
    });
    expect(h.emulator.calls('verify')).toBe(0);
  });

  it('removes Authorization before the runner by default; FORWARD_CREDENTIALS=true passes it unchanged', async () => {
    await h.send('/api/agents', { headers: bearer(SERVICE_TOKEN) });
    expect(h.received[0]?.headers.get('Authorization')).toBeNull();
    const forwarding = createHarness(await authKv(), { FORWARD_CREDENTIALS: 'true' });
    await forwarding.send('/api/agents', { headers: bearer(SERVICE_TOKEN) });
    expect(forwarding.received[0]?.headers.get('Authorization')).toBe(`Bearer ${SERVICE_TOKEN}`);
  });
});

describe('Cloud Bearer tokens', () => {
  it('admits a token Cloud verifies, as that user', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    const response = await h.send('/api/agents', { method: 'POST', headers: bearer(token), body: '{"q":1}' });
    expect(response.status).toBe(200);
    const seen = h.received[0];
    expect(seen?.method).toBe('POST');
    expect(seen?.body).toBe('{"q":1}');
    expect(seen?.headers.get('X-Mastra-User-Id')).toBe(DEMO_USER.id);
    expect(seen?.headers.get('X-Mastra-User')).not.toContain(token);
    expect(JSON.stringify(decodeUserHeader(seen?.headers.get('X-Mastra-User') ?? ''))).not.toContain(token);
  });

  it('refuses an unknown or revoked token with 401 and an RFC 6750 challenge; the runner never sees it', async () => {
    const revoked = h.emulator.issueToken(DEMO_USER.id);
    h.emulator.revokeToken(revoked);
    for (const token of ['not-a-cloud-token', revoked]) {
      const response = await h.send('/api/agents', { headers: bearer(token) });
      expect(response.status).toBe(401);
      // RFC 6750 section 3.1: a token was sent and refused.
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra", error="invalid_token"');
      expect(await jsonOf(response)).toEqual({ error: 'unauthorized', message: 'Authentication required.' });
    }
    expect(h.received).toHaveLength(0);
  });

  it('never redirects a request that carried a token, even a browser navigation', async () => {
    const response = await h.send('/agents', {
      headers: { Accept: 'text/html', Authorization: 'Bearer nope' },
    });
    expect(response.status).toBe(401);
  });
});

describe('identity header spoofing', () => {
  it('drops client-sent identity headers without credentials: 401, nothing forwarded', async () => {
    const response = await h.send('/api/agents', { headers: { ...API, ...SPOOF } });
    expect(response.status).toBe(401);
    expect(h.received).toHaveLength(0);
  });

  it('replaces them with the authenticated user', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    await h.send('/api/agents', { headers: { ...bearer(token), ...SPOOF } });
    const headers = h.received[0]?.headers;
    expect(headers?.get('X-Mastra-User-Id')).toBe(DEMO_USER.id);
    expect(decodeUserHeader(headers?.get('X-Mastra-User') ?? '')).toMatchObject({ id: DEMO_USER.id });
    expect(headers?.get('x-mastra-user-email')).toBeNull();
  });

  it('strips them on public paths too, where no identity is sent', async () => {
    const public_ = createHarness(await authKv(), { PUBLIC_PATHS: '/health,/static/*' });
    for (const path of ['/health', '/static/app.js']) {
      const response = await public_.send(path, { headers: SPOOF });
      expect(response.status).toBe(200);
    }
    expect(public_.received).toHaveLength(2);
    for (const seen of public_.received) {
      expect(seen.headers.get('X-Mastra-User-Id')).toBeNull();
      expect(seen.headers.get('X-Mastra-User')).toBeNull();
      expect(seen.headers.get('x-mastra-user-email')).toBeNull();
    }
    expect((await public_.send('/static', { headers: API })).status).toBe(401);
  });
});

describe('Cloud verify calls', () => {
  it('verifies a token once for repeated requests', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    for (let i = 0; i < 5; i++)
      expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    expect(h.emulator.calls('verify')).toBe(1);
  });

  it("with cloudCache 'off' (benchmark baseline) asks Cloud on every request", async () => {
    const uncached = createHarness(await authKv(), {}, { cloudCache: 'off' });
    const token = uncached.emulator.issueToken(DEMO_USER.id);
    for (let i = 0; i < 5; i++)
      expect((await uncached.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    expect(uncached.emulator.calls('verify')).toBe(5);
  });

  it('never calls Cloud more than once per concurrent request, and not at all once cached', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    const burst = await Promise.all(
      Array.from({ length: 8 }, () => h.send('/api/agents', { headers: bearer(token) })),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(8).fill(200));
    const afterBurst = h.emulator.calls('verify');
    expect(afterBurst).toBeGreaterThanOrEqual(1);
    expect(afterBurst).toBeLessThanOrEqual(8);
    await Promise.all(Array.from({ length: 8 }, () => h.send('/api/agents', { headers: bearer(token) })));
    expect(h.emulator.calls('verify')).toBe(afterBurst);
  });

  it('shares verified answers across isolates through KV', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    // The KV write runs after the answer (ctx.waitUntil).
    await h.settle();
    // A second gateway state (a new isolate: empty per-isolate cache) with the same KV and Cloud.
    const otherIsolate = { ...h.env };
    const response = await h.gateway.fetch(
      new Request('https://gw.example/api/agents', { headers: bearer(token) }),
      otherIsolate,
    );
    expect(response.status).toBe(200);
    expect(h.emulator.calls('verify')).toBe(1);
  });
});

describe('a wrong PROJECT_ID', () => {
  // Regression: Cloud's 400 invalid_project counted as "invalid token": every user got 401 (and
  // browser sessions were cleared) for what is the deployment's mistake.
  it('answers 500 misconfigured, not 401, and caches nothing', async () => {
    const wrong = createHarness(await authKv(), { PROJECT_ID: 'proj_wrong' });
    const token = wrong.emulator.issueToken(DEMO_USER.id);
    for (let i = 0; i < 2; i++) {
      const response = await wrong.send('/api/agents', { headers: bearer(token) });
      expect(response.status).toBe(500);
      expect(await jsonOf(response)).toMatchObject({ error: 'misconfigured' });
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(wrong.emulator.calls('verify')).toBe(2);
    expect(wrong.received).toHaveLength(0);
  });
});

describe('Cloud outage', () => {
  it.each([
    ['HTTP 503', { kind: 'http_error', status: 503 } as const],
    ['HTTP 429', { kind: 'http_error', status: 429 } as const],
    ['network error', { kind: 'network_error' } as const],
    ['non-JSON answer', { kind: 'non_json' } as const],
  ])('answers 503 + Retry-After for a token not yet verified (%s)', async (_label, fault) => {
    h.emulator.injectFault({ route: 'verify', ...fault });
    const token = h.emulator.issueToken(DEMO_USER.id);
    const response = await h.send('/api/agents', { headers: bearer(token) });
    expect(response.status).toBe(503);
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    expect(await jsonOf(response)).toMatchObject({ error: 'temporarily_unavailable' });
    expect(h.received).toHaveLength(0);
    expect(h.reports.at(-1)).toMatchObject({ status: 503, family: 'unavailable' });
    expect(JSON.stringify(h.reports)).not.toContain(token);
  });

  it('keeps serving tokens and sessions verified before the outage', async () => {
    const token = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    const browser = h.browser();
    await browser.navigate('/');
    h.emulator.injectFault({ kind: 'http_error', status: 503 });
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    expect((await browser.request('/api/agents', { headers: API })).status).toBe(200);
    const fresh = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(fresh) })).status).toBe(503);
  });
});
