/**
 * Regression through the gateway: 100 concurrent requests with one session cookie made 100 Cloud
 * `session/validate` calls and 100 `Set-Cookie` once Cloud's session end (off the whole second)
 * was within half the idle window. Now: none when the cookie cannot slide further, one when it can.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryKVStore } from '../../src/kv-session/index.js';
import { createHarness } from './harness.js';

const API = { headers: { Accept: 'application/json' } };

afterEach(() => {
  vi.useRealTimers();
});

async function signedIn(tokenTtlSeconds?: number) {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.UTC(2026, 3, 1, 12, 0, 0) + 437);
  const h = createHarness(new MemoryKVStore(), {}, tokenTtlSeconds === undefined ? {} : { tokenTtlSeconds });
  const browser = h.browser();
  const { response } = await browser.navigate('/');
  expect(response.status).toBe(200);
  return { h, browser };
}

async function burst(browser: ReturnType<ReturnType<typeof createHarness>['browser']>, n: number) {
  const cookie = browser.cookieHeader();
  return Promise.all(
    Array.from({ length: n }, () =>
      browser.request('/api/whoami', { headers: { ...API.headers, Cookie: cookie } }),
    ),
  );
}

describe('session cookie slides at most once per half window', () => {
  it("makes no Cloud session check for a cookie already at Cloud's session end (off the whole second)", async () => {
    // Cloud's session: 1 h; the idle window: 24 h, so the cookie is capped at Cloud's end.
    const { h, browser } = await signedIn();
    const responses = await burst(browser, 100);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.flatMap((r) => r.headers.getSetCookie())).toEqual([]);
    expect(h.emulator.calls('session.validate')).toBe(0);
  });

  it('makes one Cloud session check and one Set-Cookie for 100 concurrent requests when due', async () => {
    const { h, browser } = await signedIn(7 * 24 * 3600);
    vi.setSystemTime(Date.now() + 13 * 3600_000);
    const responses = await burst(browser, 100);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(responses.flatMap((r) => r.headers.getSetCookie())).toHaveLength(1);
    expect(h.emulator.calls('session.validate')).toBe(1);
  });
});
