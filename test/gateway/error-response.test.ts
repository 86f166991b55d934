import { describe, expect, it } from 'vitest';
import type { ErrorReport } from '../../src/errors/index.js';
import {
  CloudApiError,
  ConfigError,
  InvalidRequestError,
  StorageUnavailableError,
} from '../../src/errors/index.js';
import {
  badGatewayResponse,
  challengeResponse,
  DEFAULT_RETRY_AFTER_SECONDS,
  errorResponse,
  hashTokenId,
  isNavigation,
} from '../../src/gateway/error-response.js';

const TOKEN = 'tok_super_secret_value';
const request = new Request('https://gw.example/api/agents?x=1', { method: 'POST' });

async function answer(error: unknown, extra: { allow?: string } = {}) {
  const reports: ErrorReport[] = [];
  const response = await errorResponse(error, {
    request,
    token: TOKEN,
    onError: (report) => reports.push(report),
    ...extra,
  });
  const text = await response.text();
  return { response, text, body: JSON.parse(text) as unknown, reports };
}

describe('errorResponse', () => {
  it.each([
    [new InvalidRequestError('invalid_request', 'Bad code.'), 400, 'invalid_request'],
    [new InvalidRequestError('invalid_state', 'Bad state.'), 400, 'invalid_state'],
    [new InvalidRequestError('invalid_redirect', 'Bad returnTo.'), 400, 'invalid_redirect'],
    [new InvalidRequestError('invalid_cookie', 'Bad cookie.'), 400, 'invalid_cookie'],
    [new InvalidRequestError('invalid_cookie', 'Too big.', { status: 431 }), 431, 'invalid_cookie'],
    [
      new InvalidRequestError('cross_site_request', 'Cross-site.', { status: 403 }),
      403,
      'cross_site_request',
    ],
    [new CloudApiError('verify said no', { status: 401, code: 'invalid_token' }), 401, 'unauthorized'],
    [new CloudApiError('bad code', { status: 400, code: 'invalid_grant' }), 401, 'unauthorized'],
    [new ConfigError('SESSION_SECRET', 'SESSION_SECRET is not set'), 500, 'misconfigured'],
    [new Error(`boom ${TOKEN}`), 500, 'internal_error'],
    ['a string', 500, 'internal_error'],
  ])('maps %o to %i %s with a {error, message} body', async (error, status, code) => {
    const { response, text, body } = await answer(error);
    expect(response.status).toBe(status);
    expect(body).toEqual({ error: code, message: expect.any(String) });
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.get('Content-Type')).toContain('application/json');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toMatch(/at .*\(|\.ts:\d+/); // no stack
  });

  it('names the setting of a ConfigError', async () => {
    const { body } = await answer(new ConfigError('SESSION_SECRET', 'SESSION_SECRET is not set'));
    expect(JSON.stringify(body)).toContain('SESSION_SECRET');
  });

  it('answers outages with 503 and Retry-After (Cloud hint clamped, else the default)', async () => {
    const storage = await answer(new StorageUnavailableError('kv down'));
    expect(storage.response.status).toBe(503);
    expect(storage.response.headers.get('Retry-After')).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
    expect(storage.body).toMatchObject({ error: 'temporarily_unavailable' });
    const hinted = await answer(new CloudApiError('rate limited', { status: 429, retryAfter: 12.2 }));
    expect(hinted.response.headers.get('Retry-After')).toBe('13');
    const huge = await answer(new CloudApiError('down', { status: 503, retryAfter: 86_400 }));
    expect(huge.response.headers.get('Retry-After')).toBe('300');
  });

  it('adds RFC 6750 challenges to Authorization refusals', async () => {
    const malformed = await answer(new InvalidRequestError('invalid_authorization', 'Malformed.'));
    expect(malformed.response.status).toBe(400);
    expect(malformed.response.headers.get('WWW-Authenticate')).toMatch(
      /^Bearer realm="mastra", error="invalid_request"/,
    );
    const scheme = await answer(
      new InvalidRequestError('invalid_authorization', 'Bearer only.', { status: 401 }),
    );
    expect(scheme.response.status).toBe(401);
    expect(scheme.response.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra"');
    const rejected = await answer(new CloudApiError('no', { status: 401 }));
    expect(rejected.response.headers.get('WWW-Authenticate')).toBe(
      'Bearer realm="mastra", error="invalid_token"',
    );
  });

  it('sets Allow on 405', async () => {
    const { response } = await answer(
      new InvalidRequestError('method_not_allowed', 'Use GET.', { status: 405 }),
      {
        allow: 'GET',
      },
    );
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET');
  });

  it('reports the detail to onError with a hashed token id, never the token', async () => {
    const { reports } = await answer(
      new CloudApiError('verify failed', { status: 502, code: 'bad_response' }),
    );
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report).toMatchObject({
      source: 'gateway',
      operation: 'answer',
      status: 503,
      code: 'bad_response',
      family: 'unavailable',
      method: 'POST',
      path: '/api/agents',
      tokenId: await hashTokenId(TOKEN),
    });
    expect(report?.reason).toContain('CloudApiError [bad_response]: verify failed');
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it('survives a throwing hook', async () => {
    const response = await errorResponse(new Error('x'), {
      request,
      onError: () => {
        throw new Error('hook broke');
      },
    });
    expect(response.status).toBe(500);
  });
});

describe('challengeResponse', () => {
  it('redirects a browser navigation to login with the path as returnTo', () => {
    const nav = new Request('https://gw.example/agents/a1?tab=2', { headers: { Accept: 'text/html,*/*' } });
    const response = challengeResponse(nav, {
      loginAvailable: true,
      cookies: ['a=; Max-Age=0', 'b=; Max-Age=0'],
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('Location')).toBe('/auth/login?returnTo=%2Fagents%2Fa1%3Ftab%3D2');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(response.headers.getSetCookie()).toEqual(['a=; Max-Age=0', 'b=; Max-Age=0']);
  });

  it('drops credential query parameters from returnTo, which travels to Cloud in the state', () => {
    const nav = new Request(
      'https://gw.example/x?apiKey=secret-1&tab=1&ACCESS_TOKEN=secret-2&token=secret-3',
      {
        headers: { Accept: 'text/html' },
      },
    );
    const location = challengeResponse(nav, { loginAvailable: true }).headers.get('Location') ?? '';
    expect(location).toBe('/auth/login?returnTo=%2Fx%3Ftab%3D1');
    expect(location).not.toContain('secret');
  });

  it('answers API calls (and everything when login is off) with 401 + Bearer challenge', async () => {
    const api = new Request('https://gw.example/api/agents', { headers: { Accept: 'application/json' } });
    for (const [req, loginAvailable] of [
      [api, true],
      [
        new Request('https://gw.example/', { headers: { Accept: 'application/json, text/html;q=0.5' } }),
        false,
      ],
    ] as const) {
      const response = challengeResponse(req, { loginAvailable });
      expect(response.status).toBe(401);
      expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="mastra"');
      expect(await response.json()).toEqual({ error: 'unauthorized', message: 'Authentication required.' });
    }
  });
});

describe('isNavigation', () => {
  it.each([
    [{ method: 'GET', headers: { Accept: 'text/html' } }, true],
    [{ method: 'GET', headers: { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' } }, true],
    [{ method: 'GET', headers: { Accept: 'text/html', 'Sec-Fetch-Mode': 'cors' } }, false],
    [{ method: 'POST', headers: { Accept: 'text/html' } }, false],
    [{ method: 'GET', headers: { Accept: 'application/json' } }, false],
    [{ method: 'GET', headers: {} }, false],
  ])('%j -> %s', (init, expected) => {
    expect(isNavigation(new Request('https://gw.example/', init))).toBe(expected);
  });
});

describe('badGatewayResponse', () => {
  it('answers 502 without detail', async () => {
    const response = await badGatewayResponse(new TypeError('connect ECONNREFUSED 10.0.0.1:4111'), {
      request,
      onError: () => {},
    });
    expect(response.status).toBe(502);
    expect(await response.text()).not.toContain('10.0.0.1');
  });
});
