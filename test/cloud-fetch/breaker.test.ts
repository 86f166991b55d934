/** The circuit breaker: its state machine on a fake clock, and the client calls it saves Cloud. */
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { createCloudEmulator, DEMO_USER } from '../../src/testing/index.js';

describe('CircuitBreaker', () => {
  it('opens after `threshold` outages in a row, lets one probe through after the cool-down, closes on success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 3, cooldownMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(breaker.admit()).toEqual({ ok: true, probe: false });
      breaker.failure();
    }
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toEqual({ ok: false, retryAfterMs: 1000 });
    now = 1000;
    expect(breaker.state).toBe('half-open');
    expect(breaker.admit()).toEqual({ ok: true, probe: true });
    // While the probe is out, everyone else fails fast.
    expect(breaker.admit().ok).toBe(false);
    breaker.success();
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot()).toMatchObject({ opened: 1, shortCircuited: 2, failures: 0 });
  });

  it('re-opens when the probe fails, and a success in between resets the count', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 2, cooldownMs: 500, now: () => now });
    breaker.failure();
    breaker.success();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    now = 500;
    expect(breaker.admit()).toMatchObject({ ok: true, probe: true });
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toEqual({ ok: false, retryAfterMs: 1000 });
  });

  it('frees a probe slot whose outcome never came back after a cool-down', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ threshold: 1, cooldownMs: 100, now: () => now });
    breaker.failure();
    now = 100;
    expect(breaker.admit().ok).toBe(true);
    expect(breaker.admit().ok).toBe(false);
    now = 200;
    expect(breaker.admit()).toMatchObject({ ok: true, probe: true });
  });

  it.each([{ threshold: 0 }, { cooldownMs: -1 }, { threshold: 1.5 }])('refuses %j', (options) => {
    expect(() => new CircuitBreaker(options)).toThrow(TypeError);
  });
});

describe('client behind the breaker', () => {
  function setup() {
    let now = 0;
    const cloud = createCloudEmulator({ projectId: 'proj_b' });
    const client = new MastraCloudClient({
      projectId: 'proj_b',
      baseUrl: 'https://cloud.test',
      fetch: cloud.fetcher,
      retries: 0,
      now: () => now,
      breaker: new CircuitBreaker({ threshold: 5, cooldownMs: 10_000, now: () => now }),
    });
    return { cloud, client, token: cloud.issueToken(DEMO_USER.id), advance: (ms: number) => (now += ms) };
  }

  it('stops calling Cloud after 5 outages: 503 circuit_open with Retry-After, then probes and closes', async () => {
    const { cloud, client, token, advance } = setup();
    cloud.injectFault({ route: 'verify', kind: 'http_error', status: 502 });
    for (let i = 0; i < 5; i++)
      await expect(client.verifyToken(token)).rejects.toMatchObject({ status: 502 });
    const refused = await Promise.allSettled(Array.from({ length: 100 }, () => client.verifyToken(token)));
    expect(refused.every((r) => r.status === 'rejected')).toBe(true);
    expect(refused[0]).toMatchObject({
      reason: { code: 'circuit_open', family: 'unavailable', status: 503, retryAfter: 10 },
    });
    expect(cloud.calls('verify')).toBe(5);
    cloud.clearFaults();
    advance(10_000);
    await expect(client.verifyToken(token)).resolves.toMatchObject({ user: { id: DEMO_USER.id } });
    expect(client.breaker?.state).toBe('closed');
    expect(cloud.calls('verify')).toBe(6);
  });

  it('counts a definitive "no" as Cloud answering', async () => {
    const { cloud, client } = setup();
    for (let i = 0; i < 10; i++)
      await expect(client.verifyToken('junk-token')).rejects.toMatchObject({ status: 401 });
    expect(client.breaker?.state).toBe('closed');
    expect(cloud.calls('verify')).toBe(10);
  });

  it('can be turned off', async () => {
    const cloud = createCloudEmulator({ projectId: 'p' });
    const client = new MastraCloudClient({
      projectId: 'p',
      fetch: cloud.fetcher,
      retries: 0,
      breaker: false,
    });
    cloud.injectFault({ route: 'verify', kind: 'http_error', status: 503 });
    for (let i = 0; i < 8; i++)
      await expect(client.verifyToken('t0ken')).rejects.toMatchObject({ status: 503 });
    expect(cloud.calls('verify')).toBe(8);
    expect(client.breaker).toBeUndefined();
  });
});
