/**
 * Regression: the sliding refresh of a session cookie asks Cloud at most once per session per half
 * idle window, with Cloud expiries that are not on a whole second and under concurrency.
 */
import { describe, expect, it } from 'vitest';
import { harness, mastraLogin, mastraRequest } from './helpers.js';

/** A harness whose clock (and so Cloud's token and session expiries) is off the whole second. */
function offSecond(sessionMaxAgeSeconds: number) {
  const h = harness({ sessionMaxAgeSeconds });
  h.clock.advance(437);
  return h;
}

async function concurrently(h: ReturnType<typeof harness>, cookie: string, n: number) {
  const users = await Promise.all(
    Array.from({ length: n }, () => h.provider.authenticateToken('', mastraRequest({ Cookie: cookie }))),
  );
  return users.map((user) => h.provider.sessionRefreshHandle(user));
}

describe('session refresh is due at most once per half window', () => {
  it("is never due for a cookie already at Cloud's session end when that end is off the whole second", async () => {
    // Idle window 2 h > Cloud's 1 h session: the cookie is capped at Cloud's end from the start.
    const h = offSecond(7200);
    expect(h.clock.now() % 1000).not.toBe(0);
    const { sessionCookie, result } = await mastraLogin(h);
    expect(result.tokens.expiresAt!.getTime() % 1000).not.toBe(0);
    for (const advance of [0, 600_000, 1_200_000]) {
      h.clock.advance(advance);
      const handles = await concurrently(h, sessionCookie, 20);
      expect(handles.every((handle) => handle === null)).toBe(true);
    }
    expect(h.cloud.calls('session.validate')).toBe(0);
  });

  it('hands the refresh to one of 100 concurrent requests carrying the same due cookie', async () => {
    const h = offSecond(600);
    const { sessionCookie } = await mastraLogin(h);
    h.clock.advance(301_000);
    const handles = await concurrently(h, sessionCookie, 100);
    const due = handles.filter((handle) => handle !== null);
    expect(due).toHaveLength(1);
    // Still claimed a little later in the same half window: no second Cloud check.
    h.clock.advance(60_000);
    expect((await concurrently(h, sessionCookie, 10)).filter((x) => x !== null)).toHaveLength(0);
  });

  it('lets a later request try again after a refresh Cloud did not answer', async () => {
    const h = offSecond(600);
    const { sessionCookie } = await mastraLogin(h);
    h.clock.advance(301_000);
    const [handle] = (await concurrently(h, sessionCookie, 1)) as [string | null];
    expect(handle).not.toBeNull();
    h.cloud.injectFault({ kind: 'http_error', status: 503, route: 'session.validate', times: 1 });
    await expect(h.provider.refreshSession(handle!)).rejects.toMatchObject({ family: 'unavailable' });
    expect((await concurrently(h, sessionCookie, 5)).filter((x) => x !== null)).toHaveLength(0);
    h.clock.advance(11_000);
    const retried = await concurrently(h, sessionCookie, 5);
    expect(retried.filter((x) => x !== null)).toHaveLength(1);
    const refreshed = await h.provider.refreshSession(retried.find((x) => x !== null)!);
    expect(refreshed).not.toBeNull();
    expect(h.cloud.calls('session.validate')).toBe(2);
  });
});
