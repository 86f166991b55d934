/**
 * End to end in workerd with the real KV binding: a browser signs in through the gateway and the
 * Cloud emulator, reaches the runner as the Cloud user, logs out, and its old cookie is refused.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeUserHeader } from '../../src/gateway/index.js';
import { Sealer } from '../../src/provider/seal.js';
import { DEMO_USER } from '../../src/testing/index.js';
import { WIRE } from '../wire.js';
import { CLOUD, createHarness, GATEWAY, type Harness, jsonOf, SESSION_SECRET } from './harness.js';
import { authKv } from './workers-env.js';

const SESSION = '__Host-mastra_session';
const FLOW = '__Host-mastra_login';

let h: Harness;
beforeEach(async () => {
  h = createHarness(await authKv());
});

async function signIn(path = '/agents?tab=1') {
  const browser = h.browser();
  const { response, visited } = await browser.navigate(path);
  return { browser, response, visited };
}

describe('browser login', () => {
  it('goes navigation -> login -> Cloud -> callback -> the page asked for, as the Cloud user', async () => {
    const { browser, response, visited } = await signIn('/agents?tab=1');
    expect(visited.map((u) => new URL(u).pathname)).toEqual([
      '/agents',
      '/auth/login',
      '/auth/oss',
      '/auth/callback',
      '/agents',
    ]);
    expect(new URL(visited[1] ?? '').searchParams.get('returnTo')).toBe('/agents?tab=1');
    expect(visited.at(-1)).toBe(`${GATEWAY}/agents?tab=1`);
    expect(response.status).toBe(200);
    expect(browser.jar.has(SESSION)).toBe(true);
    expect(browser.jar.has(FLOW)).toBe(false); // the flow cookie was cleared by the callback

    const [seen] = h.received;
    expect(h.received).toHaveLength(1);
    expect(seen?.path).toBe('/agents?tab=1');
    expect(seen?.headers.get('X-Mastra-User-Id')).toBe(DEMO_USER.id);
    const user = decodeUserHeader(seen?.headers.get('X-Mastra-User') ?? '');
    expect(user).toMatchObject({
      id: DEMO_USER.id,
      email: DEMO_USER.email,
      name: DEMO_USER.name,
      role: 'owner',
    });
    expect(JSON.stringify(user)).not.toMatch(/token/i);
    expect(seen?.headers.get('Cookie')).toBeNull(); // the gateway's cookies are never forwarded
  });

  it('sets production cookies: __Host- prefix, Secure, HttpOnly, SameSite=Lax, one Set-Cookie each', async () => {
    const login = await h.send('/auth/login?returnTo=%2F');
    expect(login.status).toBe(302);
    expect(login.headers.get('Cache-Control')).toBe('no-store');
    const [flow] = login.headers.getSetCookie();
    expect(flow).toMatch(/^__Host-mastra_login=[^;]+; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const cloud = new URL(login.headers.get('Location') ?? '');
    expect(cloud.searchParams.get('code_challenge_method')).toBe('S256');
    expect(cloud.searchParams.get('redirect_uri')).toBe(`${GATEWAY}/auth/callback`);
  });

  it('forwards the app cookies but never the session cookie; /auth/me shows the user without tokens', async () => {
    const { browser } = await signIn('/');
    const api = await h.send('/api/whoami', {
      headers: { Cookie: `theme=dark; ${browser.cookieHeader()}; lang=en`, Accept: 'application/json' },
    });
    expect(api.status).toBe(200);
    expect(h.received.at(-1)?.headers.get('Cookie')).toBe('theme=dark; lang=en');
    const me = await browser.request('/auth/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('Cache-Control')).toBe('no-store');
    const body = await jsonOf(me);
    expect(body.user).toMatchObject({ id: DEMO_USER.id, email: DEMO_USER.email });
    expect(JSON.stringify(body)).not.toMatch(/token/i);
  });

  it('logs out: revokes the session, clears the cookie, and the old cookie is refused afterwards', async () => {
    const { browser } = await signIn('/');
    const oldCookie = browser.cookieHeader();
    const destroysBefore = h.emulator.calls('session.destroy');
    const logout = await browser.request('/auth/logout', { method: 'POST', headers: { Origin: GATEWAY } });
    expect(logout.status).toBe(200);
    const body = await jsonOf(logout);
    expect(body.ok).toBe(true);
    const logoutUrl = new URL(String(body.logoutUrl));
    expect(`${logoutUrl.origin}${logoutUrl.pathname}`).toBe(`${CLOUD}/auth/logout`);
    // Each wire's own logout query; the released one names who leaves (id_token_hint).
    const back = WIRE === 'released' ? 'post_logout_redirect_uri' : 'redirect_uri';
    expect(logoutUrl.searchParams.get(back)).toBe(`${GATEWAY}/`);
    expect(logoutUrl.searchParams.has('id_token_hint')).toBe(WIRE === 'released');
    const atCloud = await h.emulator.fetch(new Request(logoutUrl, { redirect: 'manual' }));
    expect(atCloud.status).toBe(302);
    expect(atCloud.headers.get('Location')).toBe(`${GATEWAY}/`);
    expect(
      logout.headers.getSetCookie().some((c) => c.startsWith(`${SESSION}=;`) && /Max-Age=0/.test(c)),
    ).toBe(true);
    expect(browser.jar.has(SESSION)).toBe(false);
    expect(h.emulator.calls('session.destroy')).toBe(destroysBefore + 1);

    const runnerCalls = h.received.length;
    const replay = await h.send('/api/whoami', {
      headers: { Cookie: oldCookie, Accept: 'application/json' },
    });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra"');
    const me = await h.send('/auth/me', { headers: { Cookie: oldCookie } });
    expect(me.status).toBe(401);
    const page = await h.send('/agents', { headers: { Cookie: oldCookie, Accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.get('Location')).toBe('/auth/login?returnTo=%2Fagents');
    expect(h.received.length).toBe(runnerCalls);
  });

  // Regression: a logout carrying a bare Cloud session id in the session cookie used to revoke
  // that session, so anyone knowing the id (an identifier, not a secret) could log its owner out.
  it('ignores a logout whose cookie holds only the Cloud session id, not the sealed session', async () => {
    const { browser } = await signIn('/');
    const claims = await new Sealer(SESSION_SECRET).open('session', browser.jar.get(SESSION) ?? '');
    const sessionId = claims?.sid;
    expect(typeof sessionId).toBe('string');
    const attack = await h.send('/auth/logout', {
      method: 'POST',
      headers: { Cookie: `${SESSION}=${String(sessionId)}` },
    });
    expect(attack.status).toBeLessThan(500);
    const after = await browser.request('/api/whoami', { headers: { Accept: 'application/json' } });
    expect(after.status).toBe(200);
  });

  it('slides the session cookie once it is past half its 24 h idle window (one Cloud check)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      h = createHarness(await authKv(), {}, { tokenTtlSeconds: 7 * 24 * 3600 });
      const { browser } = await signIn('/');
      const first = browser.jar.get(SESSION);
      const api = { headers: { Accept: 'application/json' } };

      vi.setSystemTime(Date.now() + 11 * 3600_000);
      const early = await browser.request('/api/whoami', api);
      expect(early.status).toBe(200);
      expect(early.headers.getSetCookie()).toEqual([]);

      vi.setSystemTime(Date.now() + 2 * 3600_000); // 13 h after login
      const due = await browser.request('/api/whoami', api);
      expect(due.status).toBe(200);
      expect(due.headers.getSetCookie()).toEqual([
        expect.stringMatching(/^__Host-mastra_session=.*Max-Age=86400/),
      ]);
      expect(browser.jar.get(SESSION)).not.toBe(first);
      expect(h.emulator.calls('session.validate')).toBe(1);

      const after = await browser.request('/api/whoami', api);
      expect(after.status).toBe(200);
      expect(after.headers.getSetCookie()).toEqual([]);
      expect(h.emulator.calls('session.validate')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses a cross-site logout with 403 and keeps the session', async () => {
    const { browser } = await signIn('/');
    const attempts: Record<string, string>[] = [
      { Origin: 'https://evil.example' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'null' },
    ];
    for (const headers of attempts) {
      const response = await browser.request('/auth/logout', { method: 'POST', headers });
      expect(response.status).toBe(403);
      expect(await jsonOf(response)).toMatchObject({ error: 'cross_site_request' });
    }
    expect((await browser.request('/auth/me')).status).toBe(200);
  });

  it('accepts a callback once: a replay of the same code and state is refused with 400', async () => {
    const browser = h.browser();
    const login = await browser.request('/auth/login?returnTo=%2Fx');
    const oss = await h.emulator.fetch(
      new Request(login.headers.get('Location') ?? '', { redirect: 'manual' }),
    );
    const callback = new URL(oss.headers.get('Location') ?? '');
    const flowCookie = browser.cookieHeader();
    const first = await browser.request(`${callback.pathname}${callback.search}`);
    expect(first.status).toBe(302);
    expect(first.headers.get('Location')).toBe('/x');
    const replay = await h.send(`${callback.pathname}${callback.search}`, {
      headers: { Cookie: flowCookie },
    });
    expect(replay.status).toBe(400);
    expect(await jsonOf(replay)).toMatchObject({ error: expect.stringMatching(/^invalid_(state|cookie)$/) });
  });

  it('returns to the path sealed at login, not to a path edited into the callback state', async () => {
    const browser = h.browser();
    const login = await browser.request('/auth/login?returnTo=%2Fx');
    const oss = await h.emulator.fetch(
      new Request(login.headers.get('Location') ?? '', { redirect: 'manual' }),
    );
    const callback = new URL(oss.headers.get('Location') ?? '');
    const state = callback.searchParams.get('state') ?? '';
    expect(state).toContain('|');
    callback.searchParams.set(
      'state',
      `${state.slice(0, state.indexOf('|'))}|${encodeURIComponent('/admin')}`,
    );
    const response = await browser.request(`${callback.pathname}${callback.search}`);
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/x');
  });

  it('refuses a callback whose state does not match the browser (login CSRF) with 400 invalid_state', async () => {
    const victim = h.browser();
    await victim.request('/auth/login?returnTo=%2F');
    const attacker = h.browser();
    const login = await attacker.request('/auth/login?returnTo=%2F');
    const oss = await h.emulator.fetch(
      new Request(login.headers.get('Location') ?? '', { redirect: 'manual' }),
    );
    const callback = new URL(oss.headers.get('Location') ?? '');
    const response = await victim.request(`${callback.pathname}${callback.search}`);
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toMatchObject({ error: 'invalid_state' });
    expect(victim.jar.has(SESSION)).toBe(false);
  });

  it('answers 401 when Cloud rejects the code, 503 with Retry-After when Cloud is down', async () => {
    const browser = h.browser();
    const login = await browser.request('/auth/login?returnTo=%2F');
    const oss = await h.emulator.fetch(
      new Request(login.headers.get('Location') ?? '', { redirect: 'manual' }),
    );
    const callback = new URL(oss.headers.get('Location') ?? '');
    h.emulator.injectFault({ route: 'callback', kind: 'http_error', status: 503 });
    const down = await browser.request(`${callback.pathname}${callback.search}`);
    expect(down.status).toBe(503);
    expect(Number(down.headers.get('Retry-After'))).toBeGreaterThan(0);

    const again = h.browser();
    const login2 = await again.request('/auth/login?returnTo=%2F');
    const oss2 = await h.emulator.fetch(
      new Request(login2.headers.get('Location') ?? '', { redirect: 'manual' }),
    );
    const callback2 = new URL(oss2.headers.get('Location') ?? '');
    h.emulator.clearFaults();
    h.emulator.injectFault({ route: 'callback', kind: 'ok_false', status: 400, code: 'invalid_grant' });
    const refused = await again.request(`${callback2.pathname}${callback2.search}`);
    expect(refused.status).toBe(401);
    expect(h.received).toHaveLength(0);
  });
});
