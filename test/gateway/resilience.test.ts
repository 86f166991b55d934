/**
 * The gateway when Cloud is slow, down or under attack, in Node and in workerd: bounded Cloud
 * calls during a hang, the circuit breaker, stale-if-error, the unknown-token budget, the rate
 * limit binding, Server-Timing, KV deadlines and deep health. Calls are counted, never timed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitedError } from '../../src/errors/index.js';
import { describeProviderError, hashTokenId } from '../../src/gateway/error-response.js';
import { type KVStore, MemoryKVStore } from '../../src/kv-session/index.js';
import { DEMO_USER } from '../../src/testing/index.js';
import { createHarness, jsonOf } from './harness.js';

const API = { Accept: 'application/json' };
const bearer = (token: string) => ({ ...API, Authorization: `Bearer ${token}` });
const junk = (i: number) => `junk.${i}.${'x'.repeat(24)}`;

afterEach(() => {
  vi.useRealTimers();
});

function freezeDate() {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2026, 5, 1, 8, 0, 0));
}

describe('Cloud hangs', () => {
  it('100 concurrent requests cost at most one Cloud call each, all answered 503 with Retry-After', async () => {
    const h = createHarness(new MemoryKVStore(), { CLOUD_DEADLINE_MS: '100', AUTH_UNKNOWN_TOKEN_RATE: '0' });
    const tokens = Array.from({ length: 100 }, () => h.emulator.issueToken(DEMO_USER.id));
    h.emulator.injectFault({ route: 'verify', kind: 'hang' });
    const responses = await Promise.all(tokens.map((t) => h.send('/api/agents', { headers: bearer(t) })));
    expect(responses.map((r) => r.status)).toEqual(tokens.map(() => 503));
    expect(responses.every((r) => Number(r.headers.get('Retry-After')) >= 1)).toBe(true);
    expect(h.emulator.calls('verify')).toBeLessThanOrEqual(100);
    // The breaker is open now: more requests cost Cloud nothing.
    const before = h.emulator.calls('verify');
    const more = await Promise.all(tokens.map((t) => h.send('/api/agents', { headers: bearer(t) })));
    expect(more.every((r) => r.status === 503)).toBe(true);
    expect(h.emulator.calls('verify')).toBe(before);
  });

  it('one user hammering during a hang: one call per request at most, never a retry', async () => {
    const h = createHarness(new MemoryKVStore(), { CLOUD_DEADLINE_MS: '100' });
    const token = h.emulator.issueToken(DEMO_USER.id);
    h.emulator.injectFault({ route: 'verify', kind: 'hang' });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => h.send('/api/agents', { headers: bearer(token) })),
    );
    expect(responses.every((r) => r.status === 503)).toBe(true);
    expect(h.emulator.calls('verify')).toBeLessThanOrEqual(100);
  });
});

describe('circuit breaker', () => {
  it('opens after 5 outage answers (503 + Retry-After at once, no Cloud call), probes after the cool-down, closes', async () => {
    freezeDate();
    const h = createHarness(new MemoryKVStore(), { AUTH_UNKNOWN_TOKEN_RATE: '0' });
    const cached = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(cached) })).status).toBe(200);
    h.emulator.injectFault({ route: 'verify', kind: 'http_error', status: 502 });
    for (let i = 0; i < 5; i++) {
      const token = h.emulator.issueToken(DEMO_USER.id);
      expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(503);
    }
    const calls = h.emulator.calls('verify');
    const refused = await h.send('/api/agents', { headers: bearer(h.emulator.issueToken(DEMO_USER.id)) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('Retry-After')).toBe('10');
    expect(h.emulator.calls('verify')).toBe(calls);
    // Cached answers keep serving while it is open.
    expect((await h.send('/api/agents', { headers: bearer(cached) })).status).toBe(200);
    expect(await jsonOf(await h.send('/auth/health'))).toMatchObject({ breaker: 'open' });

    h.emulator.clearFaults();
    vi.setSystemTime(Date.now() + 10_000);
    const probe = await h.send('/api/agents', { headers: bearer(h.emulator.issueToken(DEMO_USER.id)) });
    expect(probe.status).toBe(200);
    expect(h.emulator.calls('verify')).toBe(calls + 1);
    expect(await jsonOf(await h.send('/auth/health'))).toMatchObject({ breaker: 'closed' });
  });
});

describe('stale-if-error', () => {
  async function verifiedThenDown(env: Record<string, unknown> = {}) {
    freezeDate();
    const h = createHarness(new MemoryKVStore(), env);
    const token = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    await h.settle();
    h.emulator.injectFault({ route: 'verify', kind: 'http_error', status: 502 });
    vi.setSystemTime(Date.now() + 120_000); // past the 60 s cache TTL
    return { h, token };
  }

  it('keeps a token verified before the outage working within the grace (default 300 s)', async () => {
    const { h, token } = await verifiedThenDown();
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(200);
    vi.setSystemTime(Date.now() + 300_000);
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(503);
  });

  it('is off with AUTH_GRACE_SECONDS=0', async () => {
    const { h, token } = await verifiedThenDown({ AUTH_GRACE_SECONDS: '0' });
    expect((await h.send('/api/agents', { headers: bearer(token) })).status).toBe(503);
  });

  it('never outlives a logout: a revoked session is refused during the outage', async () => {
    freezeDate();
    const h = createHarness(new MemoryKVStore());
    const browser = h.browser();
    await browser.navigate('/');
    const oldCookie = browser.cookieHeader();
    expect((await browser.request('/auth/logout', { method: 'POST' })).status).toBe(200);
    h.emulator.injectFault({ route: 'verify', kind: 'http_error', status: 503 });
    vi.setSystemTime(Date.now() + 120_000);
    const after = await h.send('/api/agents', { headers: { ...API, Cookie: oldCookie } });
    expect(after.status).toBe(401);
  });
});

describe('unknown-token budget', () => {
  it('1000 distinct junk tokens cost Cloud at most the burst; the rest get 429 + Retry-After; known tokens are never throttled', async () => {
    freezeDate();
    const h = createHarness(new MemoryKVStore(), {
      AUTH_UNKNOWN_TOKEN_BURST: '50',
      AUTH_UNKNOWN_TOKEN_RATE: '10',
    });
    const known = h.emulator.issueToken(DEMO_USER.id);
    expect((await h.send('/api/agents', { headers: bearer(known) })).status).toBe(200);
    vi.setSystemTime(Date.now() + 61_000); // the known token's answer is stale now; the bucket is full
    const statuses: number[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          h.send('/api/agents', { headers: bearer(junk(batch * 100 + i)) }),
        ),
      );
      statuses.push(...responses.map((r) => r.status));
      const limited = responses.find((r) => r.status === 429);
      if (limited !== undefined) expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThanOrEqual(1);
    }
    // The known token got its one call before the flood; the flood got the burst.
    expect(h.emulator.calls('verify')).toBe(1 + 50);
    expect(statuses.filter((s) => s === 401)).toHaveLength(50);
    expect(statuses.filter((s) => s === 429)).toHaveLength(950);
    // A token verified before is re-verified although the budget is spent.
    expect((await h.send('/api/agents', { headers: bearer(known) })).status).toBe(200);
    expect(h.emulator.calls('verify')).toBe(52);
  });
});

describe('AUTH_RATE_LIMIT binding', () => {
  function limiter(allowed: number) {
    const seen = new Map<string, number>();
    return {
      seen,
      binding: {
        limit: async ({ key }: { key: string }) => {
          const n = (seen.get(key) ?? 0) + 1;
          seen.set(key, n);
          return { success: n <= allowed };
        },
      },
    };
  }

  it('limits /auth/login per client IP with 429 + Retry-After', async () => {
    const { binding, seen } = limiter(2);
    const h = createHarness(new MemoryKVStore(), { AUTH_RATE_LIMIT: binding });
    const from = (ip: string) => h.send('/auth/login?returnTo=/', { headers: { 'CF-Connecting-IP': ip } });
    expect((await from('198.51.100.7')).status).toBe(302);
    expect((await from('198.51.100.7')).status).toBe(302);
    const third = await from('198.51.100.7');
    expect(third.status).toBe(429);
    expect(third.headers.get('Retry-After')).toBe('60');
    expect((await from('198.51.100.8')).status).toBe(302);
    expect([...seen.keys()]).toEqual(['login:198.51.100.7', 'login:198.51.100.8']);
  });

  it('counts failed authentications per client; once refused, the client is refused before Cloud is asked', async () => {
    const { binding } = limiter(3);
    const h = createHarness(new MemoryKVStore(), { AUTH_RATE_LIMIT: binding });
    const ip = { 'CF-Connecting-IP': '203.0.113.9' };
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await h.send('/api/agents', { headers: { ...bearer(junk(i)), ...ip } })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
    expect(h.emulator.calls('verify')).toBe(4);
    // Another client is not affected.
    const other = await h.send('/api/agents', {
      headers: { ...bearer(h.emulator.issueToken(DEMO_USER.id)), 'CF-Connecting-IP': '203.0.113.10' },
    });
    expect(other.status).toBe(200);
  });
});

describe('Server-Timing', () => {
  it('says which tier answered and how long Cloud took, when SERVER_TIMING is on; never a token', async () => {
    const h = createHarness(new MemoryKVStore(), { SERVER_TIMING: 'true' });
    const token = h.emulator.issueToken(DEMO_USER.id);
    const first = await h.send('/api/agents', { headers: bearer(token) });
    expect(first.headers.get('Server-Timing')).toMatch(/^auth;desc=cloud, cloud;dur=\d+$/);
    const second = await h.send('/api/agents', { headers: bearer(token) });
    expect(second.headers.get('Server-Timing')).toBe('auth;desc=l1');
    expect(second.headers.get('Server-Timing')).not.toContain(token);
  });

  it('is off by default', async () => {
    const h = createHarness(new MemoryKVStore());
    const response = await h.send('/api/agents', { headers: bearer(h.emulator.issueToken(DEMO_USER.id)) });
    expect(response.headers.get('Server-Timing')).toBeNull();
  });
});

describe('KV deadlines', () => {
  const never = () => new Promise<never>(() => {});
  function stalling(prefix: string): KVStore {
    const base = new MemoryKVStore();
    return {
      get: (key, type) => (key.startsWith(prefix) ? never() : base.get(key, type)),
      put: (key, value, options) => (key.startsWith(prefix) ? never() : base.put(key, value, options)),
      delete: (key) => base.delete(key),
    };
  }

  it('answers through Cloud when cache reads and writes stall', async () => {
    const h = createHarness(stalling('verify:'));
    const response = await h.send('/api/agents', { headers: bearer(h.emulator.issueToken(DEMO_USER.id)) });
    expect(response.status).toBe(200);
  });

  it('answers 503, never admits, when the revocation mark cannot be read', async () => {
    const h = createHarness(stalling('revoked:'));
    const response = await h.send('/api/agents', { headers: bearer(h.emulator.issueToken(DEMO_USER.id)) });
    expect(response.status).toBe(503);
    expect(h.received).toHaveLength(0);
  });
});

describe('logout when KV cannot store the revocation', () => {
  it("answers 202 with revocation 'pending', refuses the cookie here, and stores the mark in the background", async () => {
    const base = new MemoryKVStore();
    let failMarks = 1;
    const kv: KVStore = {
      get: (key, type) => base.get(key, type),
      put: (key, value, options) => {
        if (key.startsWith('revoked:') && failMarks-- > 0)
          return Promise.reject(new Error('KV PUT failed: 503'));
        return base.put(key, value, options);
      },
      delete: (key) => base.delete(key),
    };
    const h = createHarness(kv);
    const browser = h.browser();
    await browser.navigate('/');
    const oldCookie = browser.cookieHeader();
    const logout = await browser.request('/auth/logout', { method: 'POST' });
    expect(logout.status).toBe(202);
    expect(await jsonOf(logout)).toMatchObject({ ok: true, revocation: 'pending' });
    expect((await h.send('/api/agents', { headers: { ...API, Cookie: oldCookie } })).status).toBe(401);
    await h.settle();
    // Another isolate (fresh state, same KV) refuses the cookie: the retried mark landed.
    const other = await h.gateway.fetch(
      new Request('https://gw.example/api/agents', { headers: { ...API, Cookie: oldCookie } }),
      { ...h.env },
    );
    expect(other.status).toBe(401);
  });
});

describe('deep health', () => {
  it('checks Cloud and PROJECT_ID, reports the breaker; /auth/health stays cheap', async () => {
    const h = createHarness(new MemoryKVStore());
    await h.send('/auth/health');
    expect(h.emulator.calls()).toBe(0);
    const deep = await h.send('/auth/health?deep=1');
    expect(deep.status).toBe(200);
    expect(await jsonOf(deep)).toMatchObject({
      ok: true,
      cloud: 'ok',
      breaker: { state: 'closed' },
      upstreamLoopback: false,
      warnings: [],
    });
    expect(h.emulator.calls('verify')).toBe(1);
    // Reused for a few seconds: a public route does not amplify traffic.
    await h.send('/auth/health?deep=1');
    expect(h.emulator.calls('verify')).toBe(1);
  });

  it('reports a refused PROJECT_ID (500) and a loopback upstream outside local development', async () => {
    const h = createHarness(new MemoryKVStore(), {
      PROJECT_ID: 'proj_wrong',
      UPSTREAM_URL: 'http://127.0.0.1:4111',
    });
    const deep = await h.send('/auth/health?deep=1');
    expect(deep.status).toBe(500);
    const body = await jsonOf(deep);
    expect(body).toMatchObject({
      ok: false,
      cloud: 'project_refused',
      upstreamLoopback: true,
      localDeployment: false,
    });
    expect(body.warnings).toHaveLength(2);
  });

  it('reports an unreachable Cloud with 503', async () => {
    const h = createHarness(new MemoryKVStore(), { CLOUD_DEADLINE_MS: '100' });
    h.emulator.injectFault({ route: 'verify', kind: 'hang' });
    const deep = await h.send('/auth/health?deep=1');
    expect(deep.status).toBe(503);
    expect(await jsonOf(deep)).toMatchObject({ cloud: 'unreachable' });
  });
});

describe('logs', () => {
  it('identify tokens by a keyed id, not a bare SHA-256 prefix', async () => {
    const h = createHarness(new MemoryKVStore());
    const token = h.emulator.issueToken(DEMO_USER.id);
    h.emulator.injectFault({ route: 'verify', kind: 'http_error', status: 502 });
    await h.send('/api/agents', { headers: bearer(token) });
    await h.send('/api/agents', { headers: bearer(token) });
    const ids = h.reports.map((r) => r.tokenId);
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[0]).not.toBe(await hashTokenId(token));
  });
});

describe('provider errors in logs', () => {
  it("are described by class and code only: another provider's message may carry a token", () => {
    const token = 'eyJsecret.token.value';
    const foreign = Object.assign(new Error(`upstream said no to ${token}`), { code: 'E_AUTH' });
    expect(describeProviderError(foreign)).toBe('Error [E_AUTH]');
    expect(describeProviderError(new RangeError(token))).toBe('RangeError');
    expect(describeProviderError(new RateLimitedError('Too many', 3))).toBe(
      'RateLimitedError [rate_limited]: Too many',
    );
  });
});

describe('writes after the answer', () => {
  it('hands the cache write of a Cloud verify to ctx.waitUntil: a write that never finishes holds no request', async () => {
    const base = new MemoryKVStore();
    const kv: KVStore = {
      get: (key, type) => base.get(key, type),
      put: () => new Promise<never>(() => {}),
      delete: (key) => base.delete(key),
    };
    const h = createHarness(kv);
    const handed: Promise<unknown>[] = [];
    const ctx = { waitUntil: (promise: Promise<unknown>) => void handed.push(promise) };
    const token = h.emulator.issueToken(DEMO_USER.id);
    const response = await h.gateway.fetch(
      new Request('https://gw.example/api/agents', { headers: bearer(token) }),
      h.env,
      ctx,
    );
    expect(response.status).toBe(200);
    expect(handed.length).toBeGreaterThan(0);
  });
});
