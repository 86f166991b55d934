/**
 * What a person in a browser meets, end to end in workerd (the real KV binding) and in Node
 * (memory KV): HTML pages for errors met by navigation (JSON kept for API clients), a logout that
 * ends the visit, the emulator's sign-in page, and CORS for single-page apps on allowed origins.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { CLOUD, createHarness, GATEWAY, type Harness, jsonOf, SERVICE_TOKEN } from './harness.js';
import { runtimeKv } from './runtime-kv.js';

const SESSION = '__Host-mastra_session';
const NAVIGATE = { Accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8', 'Sec-Fetch-Mode': 'navigate' };
const FORM_POST = { ...NAVIGATE, 'Sec-Fetch-Site': 'same-origin', Origin: GATEWAY };
const SPA = 'https://spa.example';

let h: Harness;
beforeEach(async () => {
  h = createHarness(await runtimeKv(), { CORS_ORIGINS: `${SPA}, https://admin.example` });
});

async function expectPage(response: Response, status: number, text: RegExp, link: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
  expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
  const html = await response.text();
  expect(html).toMatch(text);
  expect(html).toContain(`href="${link}"`);
  expect(html).not.toMatch(/Error:|at \w+ \(|stack/);
  return html;
}

describe('error pages', () => {
  it('shows a page for a bad callback met by navigation, JSON for an API client', async () => {
    await expectPage(
      await h.send('/auth/callback?code=x&state=y', { headers: NAVIGATE }),
      400,
      /<h1>/,
      '/auth/login',
    );
    const api = await h.send('/auth/callback?code=x&state=y', { headers: { Accept: 'application/json' } });
    expect(api.status).toBe(400);
    expect(await jsonOf(api)).toMatchObject({ error: 'invalid_state' });
  });

  it('shows a page for an off-site returnTo and when Cloud is down (Retry-After kept)', async () => {
    await expectPage(
      await h.send('/auth/login?returnTo=//evil.example', { headers: NAVIGATE }),
      400,
      /this site/,
      '/',
    );
    const browser = h.browser();
    const login = await browser.request('/auth/login?returnTo=%2F');
    const oss = await h.emulator.fetch(
      new Request(login.headers.get('Location') ?? '', { redirect: 'manual' }),
    );
    const callback = new URL(oss.headers.get('Location') ?? '');
    h.emulator.injectFault({ route: 'callback', kind: 'http_error', status: 503 });
    const down = await browser.request(`${callback.pathname}${callback.search}`, { headers: NAVIGATE });
    await expectPage(down, 503, /temporarily unavailable/i, '/');
    expect(Number(down.headers.get('Retry-After'))).toBeGreaterThan(0);
  });

  it('never serves a page to fetch() or curl, even with a permissive Accept', async () => {
    const clients: Record<string, string>[] = [
      { Accept: '*/*' },
      { Accept: 'text/html', 'Sec-Fetch-Mode': 'cors' },
      { Accept: 'application/json, text/html;q=0.1' },
    ];
    for (const headers of clients) {
      const response = await h.send('/auth/callback?code=x&state=y', { headers });
      expect(response.headers.get('Content-Type')).toContain('application/json');
    }
  });
});

describe('logout', () => {
  it('a form post ends the visit: 303 to Cloud logout, back to "Signed out", and the next visit asks to sign in', async () => {
    const prompting = createHarness(await runtimeKv(), {}, { autoApprove: false });
    const browser = prompting.browser();
    const first = await browser.navigate('/agents');
    // The emulator asks before it signs anyone in.
    expect(new URL(first.visited.at(-1) ?? '').pathname).toBe('/auth/oss');
    const page = await first.response.text();
    expect(page).toContain('Continue as Demo User');
    const approved = await browser.navigate(`${first.visited.at(-1)}&approve=1`);
    expect(approved.response.status).toBe(200);
    expect(browser.jar.has(SESSION)).toBe(true);

    const out = await browser.request('/auth/logout', { method: 'POST', headers: FORM_POST });
    expect(out.status).toBe(303);
    expect(browser.jar.has(SESSION)).toBe(false);
    const cloudLogout = new URL(out.headers.get('Location') ?? '');
    expect(cloudLogout.origin).toBe(CLOUD);
    expect(cloudLogout.searchParams.get('redirect_uri')).toBe(`${GATEWAY}/auth/signed-out`);
    const back = await browser.navigate(cloudLogout.href);
    expect(back.visited.at(-1)).toBe(`${GATEWAY}/auth/signed-out`);
    const html = await back.response.text();
    expect(html).toContain('<h1>Signed out</h1>');
    expect(html).toMatch(/<form method="get" action="\/auth\/login"><button type="submit">Sign in<\/button>/);

    const again = await browser.navigate('/agents');
    expect(new URL(again.visited.at(-1) ?? '').pathname).toBe('/auth/oss');
    expect(browser.jar.has(SESSION)).toBe(false);
  });

  it('keeps the JSON answer for fetch() callers', async () => {
    const response = await h.send('/auth/logout', {
      method: 'POST',
      headers: { Accept: '*/*', 'Sec-Fetch-Mode': 'cors', Origin: GATEWAY },
    });
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toMatchObject({ ok: true, logoutUrl: expect.stringContaining(CLOUD) });
  });

  it('without Cloud, a form post goes straight to the signed-out page', async () => {
    const offline = createHarness(await runtimeKv(), { MASTRA_CLOUD_API_URL: undefined, AUTH_KV: undefined });
    const response = await offline.send('/auth/logout', { method: 'POST', headers: FORM_POST });
    expect(response.status).toBe(303);
    expect(response.headers.get('Location')).toBe('/auth/signed-out');
  });
});

describe('CORS_ORIGINS', () => {
  it('answers a preflight from an allowed origin without authentication; the runner never sees it', async () => {
    const response = await h.send('/api/agents', {
      method: 'OPTIONS',
      headers: {
        Origin: SPA,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
    expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')).toBe('content-type, authorization');
    expect(h.received).toHaveLength(0);
  });

  it('gives another origin no CORS headers: its preflight is not answered, its answers carry none', async () => {
    const preflight = await h.send('/api/agents', {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(401);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const corsy = createHarness(await runtimeKv(), { CORS_ORIGINS: SPA });
    const env = {
      ...corsy.env,
      UPSTREAM: {
        fetch: async () => new Response('ok', { headers: { 'Access-Control-Allow-Origin': '*' } }),
      },
    };
    const answer = await corsy.gateway.fetch(
      new Request(`${GATEWAY}/api/x`, {
        headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, Origin: 'https://evil.example' },
      }),
      env,
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(answer.headers.get('Vary')).toContain('Origin');
  });

  it('puts the CORS headers on every answer to an allowed origin: 200, 401 and 503', async () => {
    const ok = await h.send('/api/agents', {
      headers: { Authorization: `Bearer ${SERVICE_TOKEN}`, Origin: SPA },
    });
    const refused = await h.send('/api/agents', { headers: { Origin: SPA, Accept: 'application/json' } });
    h.emulator.injectFault({ route: 'verify', kind: 'http_error', status: 503 });
    const down = await h.send('/api/agents', {
      headers: { Authorization: 'Bearer cloud-token', Origin: SPA },
    });
    for (const [response, status] of [
      [ok, 200],
      [refused, 401],
      [down, 503],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe(SPA);
      expect(response.headers.get('Access-Control-Allow-Credentials')).toBe('true');
      expect(response.headers.get('Access-Control-Expose-Headers')).toContain('WWW-Authenticate');
    }
  });

  it('lets an allowed origin post with the session cookie; refuses any other', async () => {
    const browser = h.browser();
    await browser.navigate('/');
    const allowed = await browser.request('/api/agents', {
      method: 'POST',
      headers: { Origin: SPA, 'Sec-Fetch-Site': 'cross-site' },
      body: '{}',
    });
    expect(allowed.status).toBe(200);
    const other = await browser.request('/api/agents', {
      method: 'POST',
      headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
      body: '{}',
    });
    expect(other.status).toBe(403);
  });

  it('refuses a wildcard or a path in CORS_ORIGINS (500 naming it)', async () => {
    for (const value of ['*', 'https://spa.example/app', 'spa.example']) {
      const bad = createHarness(await runtimeKv(), { CORS_ORIGINS: value });
      const response = await bad.send('/auth/health');
      expect(response.status).toBe(500);
      expect(await response.text()).toContain('CORS_ORIGINS');
    }
  });
});
