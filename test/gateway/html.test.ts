import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { challengeResponse, forbiddenResponse } from '../../src/gateway/error-response.js';
import { escapeHtml, htmlResponse, prefersHtml } from '../../src/gateway/html.js';

const req = (headers: Record<string, string>) => new Request('https://gw.example/x', { headers });

describe('prefersHtml', () => {
  it.each([
    [{ Accept: 'text/html,application/xhtml+xml,*/*;q=0.8', 'Sec-Fetch-Mode': 'navigate' }, true],
    [{ Accept: 'text/html' }, true],
    [{ Accept: 'application/json;q=0.5, text/html' }, true],
    [{ Accept: 'text/html', 'Sec-Fetch-Mode': 'cors' }, false],
    [{ Accept: '*/*' }, false],
    [{ Accept: 'application/json, text/html;q=0.9' }, false],
    [{ Accept: 'text/html;q=0' }, false],
    [{}, false],
  ])('%j -> %s', (headers, expected) => {
    expect(prefersHtml(req(headers))).toBe(expected);
  });

  it('never throws on any Accept header', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (accept) => {
        let headers: Headers;
        try {
          headers = new Headers({ Accept: accept });
        } catch {
          return; // not a legal header value: no request can carry it
        }
        expect(typeof prefersHtml(new Request('https://gw.example/', { headers }))).toBe('boolean');
      }),
    );
  });
});

describe('gateway pages', () => {
  it('escapes everything it prints', async () => {
    const page = await htmlResponse(400, {
      title: '<script>',
      message: '"quoted" & <b>',
      link: { href: '/"onmouseover="x', text: '<i>' },
    }).text();
    expect(page).not.toMatch(/<script>|<b>|<i>|"onmouseover/);
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });

  it('answers a navigation with a 403 or 401 page (challenge kept), an API client with JSON', async () => {
    const nav = req({ Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' });
    const forbidden = forbiddenResponse(nav);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.text()).toContain('You do not have access to this page.');
    expect(forbiddenResponse(req({ Accept: 'application/json' })).headers.get('Content-Type')).toContain(
      'json',
    );
    const challenge = challengeResponse(nav, { loginAvailable: false, refusedToken: true });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(challenge.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra", error="invalid_token"');
  });
});
