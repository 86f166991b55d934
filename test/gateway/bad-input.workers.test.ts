/**
 * End to end in workerd: every kind of bad input gets a 4xx JSON answer, never a 5xx, and never
 * reaches the runner (DESIGN.md "Failure semantics"; RFC 9110 section 11.6.2, RFC 6750 section 3.1).
 */
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness, SERVICE_TOKEN } from './harness.js';
import { authKv } from './workers-env.js';

const S = '__Host-mastra_session';
const API = { Accept: 'application/json' };
const STATE = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

type Case = [label: string, path: string, init: RequestInit, status: number, code: string];

function twoAuthorizations(): Headers {
  const headers = new Headers(API);
  headers.append('Authorization', 'Bearer aaa');
  headers.append('Authorization', 'Bearer bbb');
  return headers;
}

const CASES: Case[] = [
  // Authorization (RFC 9110 section 11.6.2, RFC 6750 section 2.1)
  ['scheme only', '/api/x', { headers: { ...API, Authorization: 'Bearer' } }, 400, 'invalid_authorization'],
  [
    'unknown scheme Basic',
    '/api/x',
    { headers: { ...API, Authorization: 'Basic dXNlcjpwYXNz' } },
    401,
    'invalid_authorization',
  ],
  [
    'unknown scheme Token',
    '/api/x',
    { headers: { ...API, Authorization: 'Token abc' } },
    401,
    'invalid_authorization',
  ],
  [
    'two credentials',
    '/api/x',
    { headers: { ...API, Authorization: 'Bearer aaa bbb' } },
    400,
    'invalid_authorization',
  ],
  ['repeated Authorization header', '/api/x', { headers: twoAuthorizations() }, 400, 'invalid_authorization'],
  [
    'over-long token',
    '/api/x',
    { headers: { ...API, Authorization: `Bearer ${'a'.repeat(5000)}` } },
    400,
    'invalid_authorization',
  ],
  [
    'quote outside token68',
    '/api/x',
    { headers: { ...API, Authorization: 'Bearer ab"c' } },
    400,
    'invalid_authorization',
  ],
  [
    'semicolon outside token68',
    '/api/x',
    { headers: { ...API, Authorization: 'Bearer ab;c' } },
    400,
    'invalid_authorization',
  ],
  [
    'tab instead of space',
    '/api/x',
    { headers: { ...API, Authorization: 'Bearer\tabc' } },
    400,
    'invalid_authorization',
  ],
  [
    'Latin-1 outside token68',
    '/api/x',
    { headers: { ...API, Authorization: 'Bearer t\u00f6ken' } },
    400,
    'invalid_authorization',
  ],
  [
    'auth-params',
    '/api/x',
    { headers: { ...API, Authorization: 'Bearer realm="x"' } },
    400,
    'invalid_authorization',
  ],
  [
    'two different header tokens',
    '/api/x',
    { headers: { ...API, Authorization: `Bearer ${SERVICE_TOKEN}`, 'X-Playground-Access': 'other' } },
    400,
    'invalid_authorization',
  ],
  [
    'malformed X-Playground-Access',
    '/api/x',
    { headers: { ...API, 'X-Playground-Access': 'a b' } },
    400,
    'invalid_authorization',
  ],
  [
    'over-long X-Playground-Access',
    '/api/x',
    { headers: { ...API, 'X-Playground-Access': 'a'.repeat(5000) } },
    400,
    'invalid_authorization',
  ],
  [
    'token in the query string only',
    `/api/x?access_token=${SERVICE_TOKEN}&apiKey=${SERVICE_TOKEN}`,
    { headers: API },
    401,
    'unauthorized',
  ],
  // Cookies (RFC 6265 section 4.1.1)
  [
    'duplicated session cookie',
    '/api/x',
    { headers: { ...API, Cookie: `${S}=a; ${S}=b` } },
    400,
    'invalid_cookie',
  ],
  [
    'session cookie without a value',
    '/api/x',
    { headers: { ...API, Cookie: `${S}` } },
    400,
    'invalid_cookie',
  ],
  ['garbled session cookie', '/api/x', { headers: { ...API, Cookie: `${S}="a b"` } }, 400, 'invalid_cookie'],
  [
    'oversized session cookie',
    '/api/x',
    { headers: { ...API, Cookie: `${S}=${'a'.repeat(5000)}` } },
    400,
    'invalid_cookie',
  ],
  [
    'oversized Cookie header',
    '/api/x',
    { headers: { ...API, Cookie: `big=${'a'.repeat(20_000)}` } },
    431,
    'invalid_cookie',
  ],
  [
    'session cookie that does not open',
    '/api/x',
    { headers: { ...API, Cookie: `${S}=abc.def` } },
    401,
    'unauthorized',
  ],
  [
    'duplicated cookie on /auth/me',
    '/auth/me',
    { headers: { Cookie: `${S}=a; ${S}=a` } },
    400,
    'invalid_cookie',
  ],
  [
    'duplicated cookie on logout',
    '/auth/logout',
    { method: 'POST', headers: { Cookie: `${S}=a; ${S}=b` } },
    400,
    'invalid_cookie',
  ],
  // Callback parameters
  ['callback without parameters', '/auth/callback', {}, 400, 'invalid_request'],
  ['callback without state', '/auth/callback?code=abc', {}, 400, 'invalid_state'],
  ['callback without code', `/auth/callback?state=${STATE}`, {}, 400, 'invalid_request'],
  ['repeated code', `/auth/callback?code=a&code=b&state=${STATE}`, {}, 400, 'invalid_request'],
  ['repeated state', `/auth/callback?code=a&state=${STATE}&state=${STATE}`, {}, 400, 'invalid_state'],
  ['empty code', `/auth/callback?code=&state=${STATE}`, {}, 400, 'invalid_request'],
  ['oversized code', `/auth/callback?code=${'c'.repeat(3000)}&state=${STATE}`, {}, 400, 'invalid_request'],
  ['oversized state', `/auth/callback?code=abc&state=${'s'.repeat(3000)}`, {}, 400, 'invalid_state'],
  [
    'oversized query',
    `/auth/callback?code=abc&state=${STATE}&pad=${'p'.repeat(9000)}`,
    {},
    400,
    'invalid_request',
  ],
  [
    'Cloud reported an error',
    `/auth/callback?error=access_denied&state=${STATE}`,
    {},
    400,
    'invalid_request',
  ],
  ['malformed state', '/auth/callback?code=abc&state=short', {}, 400, 'invalid_state'],
  ['no flow cookie', `/auth/callback?code=abc&state=${STATE}`, {}, 400, 'invalid_cookie'],
  [
    'forged flow cookie',
    `/auth/callback?code=abc&state=${STATE}`,
    { headers: { Cookie: '__Host-mastra_login=forged' } },
    400,
    'invalid_cookie',
  ],
  // returnTo
  ['returnTo to another host', '/auth/login?returnTo=%2F%2Fevil.example', {}, 400, 'invalid_redirect'],
  [
    'returnTo absolute URL',
    '/auth/login?returnTo=https%3A%2F%2Fevil.example%2F',
    {},
    400,
    'invalid_redirect',
  ],
  ['returnTo backslash', '/auth/login?returnTo=%2F%5Cevil.example', {}, 400, 'invalid_redirect'],
  ['returnTo double-encoded', '/auth/login?returnTo=%2F%252F%252Fevil.example', {}, 400, 'invalid_redirect'],
  ['returnTo javascript:', '/auth/login?returnTo=javascript%3Aalert(1)', {}, 400, 'invalid_redirect'],
  ['returnTo repeated', '/auth/login?returnTo=%2Fa&returnTo=%2Fb', {}, 400, 'invalid_redirect'],
  ['returnTo oversized', `/auth/login?returnTo=%2F${'a'.repeat(3000)}`, {}, 400, 'invalid_redirect'],
  [
    'returnTo too long once escaped',
    `/auth/login?returnTo=%2F${'%25'.repeat(1000)}`,
    {},
    400,
    'invalid_redirect',
  ],
  // Methods and paths
  ['POST /auth/login', '/auth/login', { method: 'POST' }, 405, 'method_not_allowed'],
  ['GET /auth/logout', '/auth/logout', {}, 405, 'method_not_allowed'],
  ['PUT /auth/me', '/auth/me', { method: 'PUT' }, 405, 'method_not_allowed'],
  ['DELETE /auth/callback', '/auth/callback', { method: 'DELETE' }, 405, 'method_not_allowed'],
  ['OPTIONS /auth/health', '/auth/health', { method: 'OPTIONS' }, 405, 'method_not_allowed'],
  ['HEAD /auth/me', '/auth/me', { method: 'HEAD' }, 405, 'method_not_allowed'],
  ['unknown /auth route', '/auth/admin', {}, 404, 'not_found'],
  ['bare /auth', '/auth', {}, 404, 'not_found'],
];

let h: Harness;
beforeEach(async () => {
  h = createHarness(await authKv());
});

describe('bad input', () => {
  it.each(CASES)('%s -> %i %s, nothing reaches the runner', async (_label, path, init, status, code) => {
    const response = await h.send(path, init);
    expect(response.status).toBe(status);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    if (init.method !== 'HEAD') {
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ error: code, message: expect.any(String) });
      expect(text).not.toContain(SERVICE_TOKEN);
      expect(text).not.toMatch(/\.ts:\d+|at \w+ \(/);
    }
    if (status === 405) expect(response.headers.get('Allow')).toMatch(/^(GET|POST)$/);
    if (status === 401 || code === 'invalid_authorization') {
      expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer realm="mastra"/);
    }
    expect(h.received).toHaveLength(0);
    expect(h.reports.filter((r) => (r.status ?? 0) >= 500)).toEqual([]);
  });

  it('clears a session cookie that does not open', async () => {
    const response = await h.send('/api/x', { headers: { ...API, Cookie: `${S}=abc.def` } });
    expect(response.headers.getSetCookie().some((c) => c.startsWith(`${S}=;`))).toBe(true);
  });

  it('never answers 5xx or reaches the runner for arbitrary Authorization, Cookie and query values', async () => {
    const printable = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);
    await fc.assert(
      fc.asyncProperty(printable, printable, printable, async (authorization, cookie, query) => {
        const headers = new Headers(API);
        if (authorization.trim() !== '') headers.set('Authorization', authorization);
        if (cookie.trim() !== '') headers.set('Cookie', cookie);
        const paths = ['/api/x', '/auth/me', `/auth/callback?${query}`, `/auth/login?${query}`];
        for (const path of paths) {
          const response = await h.send(path, { headers });
          expect(response.status).toBeLessThan(500);
        }
        expect(h.received).toHaveLength(0);
      }),
      { numRuns: 40 },
    );
  });
});
