/** Failure rules of CONTRACT section 1: HTTP status, ok:false, bodies that are not envelopes. */
import { afterEach, describe, expect, it } from 'vitest';
import { type MastraCloudClient, parseUserData, processEnvelope } from '../../src/cloud-fetch/index.js';
import { cloudError } from '../support/errors.js';
import type { FakeFetch } from './fake-fetch.js';
import { fail, json, ok } from './fake-fetch.js';
import { clientWith, REDIRECT_URI, TOKEN, USER_WIRE, VERIFIER, VERIFY_DATA } from './fixtures.js';

let fake: FakeFetch | undefined;
afterEach(() => {
  fake?.assertDone();
  fake = undefined;
});

function setup(...answers: Response[]): MastraCloudClient {
  const made = clientWith(answers);
  fake = made.fake;
  return made.client;
}

describe('non-2xx answers', () => {
  const cases: Array<[number, string | undefined, 'rejected' | 'unavailable' | 'misconfigured']> = [
    [401, 'invalid_token', 'rejected'],
    [401, 'token_expired', 'rejected'],
    [403, undefined, 'rejected'],
    [404, undefined, 'rejected'],
    [400, 'invalid_project', 'misconfigured'],
    [400, 'invalid_request', 'rejected'],
    [429, undefined, 'unavailable'],
    [500, undefined, 'unavailable'],
    [502, undefined, 'unavailable'],
    [503, 'maintenance', 'unavailable'],
  ];
  it.each(cases)('HTTP %i (%s) -> %s', async (status, code, family) => {
    const client = setup(fail(status, code));
    const error = await cloudError(client.verifyToken(TOKEN));
    expect(error).toMatchObject({ status, cloudCode: code, family, name: 'CloudApiError' });
    expect(error.message).toMatch(/^verify: /);
  });

  it('HTTP 400 invalid_grant on the code exchange is a rejection', async () => {
    const client = setup(fail(400, 'invalid_grant', { message: 'code already used' }));
    const error = await cloudError(
      client.exchangeCode({ code: 'c', codeVerifier: VERIFIER, redirectUri: REDIRECT_URI }),
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_grant', family: 'rejected' });
    expect(error.message).toBe('callback: Cloud answered 400 invalid_grant: code already used');
  });

  it('a non-JSON error page keeps the verdict of its status', async () => {
    const html = (status: number) =>
      new Response('<h1>Oops</h1>', { status, headers: { 'content-type': 'text/html' } });
    const client = setup(html(401), html(502), json('not an envelope', 403));
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 401, family: 'rejected' });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 502, family: 'unavailable' });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 403, family: 'rejected' });
  });

  it('a non-2xx answer fails even when it says ok:true', async () => {
    const client = setup(json({ ok: true, data: VERIFY_DATA }, 500));
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 500, family: 'unavailable' });
  });

  it('error.status wins over the HTTP status', async () => {
    const client = setup(fail(401, 'invalid_token', { httpStatus: 500 }));
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 401, family: 'rejected' });
  });

  it('carries Retry-After seconds on 429 and 503', async () => {
    const client = setup(
      fail(429, undefined, { headers: { 'retry-after': '7' } }),
      fail(503, undefined, { headers: { 'retry-after': ' 120 ' } }),
      fail(503, undefined, { headers: { 'retry-after': 'soon' } }),
    );
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 429, retryAfter: 7 });
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status: 503, retryAfter: 120 });
    expect((await cloudError(client.verifyToken(TOKEN))).retryAfter).toBeUndefined();
  });

  it('reads an HTTP-date Retry-After as seconds from now', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const client = setup(fail(503, undefined, { headers: { 'retry-after': inAMinute } }));
    const { retryAfter } = await cloudError(client.verifyToken(TOKEN));
    expect(retryAfter).toBeGreaterThanOrEqual(50);
    expect(retryAfter).toBeLessThanOrEqual(61);
  });
});

describe('HTTP 200 with ok:false', () => {
  const cases: Array<[number, string | undefined, 'rejected' | 'unavailable' | 'misconfigured']> = [
    [400, 'invalid_project', 'misconfigured'],
    [400, 'invalid_request', 'rejected'],
    [401, 'invalid_token', 'rejected'],
    [401, 'token_expired', 'rejected'],
    [403, undefined, 'rejected'],
    [404, 'not_found', 'rejected'],
    [429, 'rate_limited', 'unavailable'],
    [500, undefined, 'unavailable'],
    [503, undefined, 'unavailable'],
  ];
  it.each(cases)('error.status %i (%s) -> %s with that status', async (status, code, family) => {
    const client = setup(fail(status, code, { httpStatus: 200 }));
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({ status, cloudCode: code, family });
  });

  it('without a usable error object is a 502 bad_response', async () => {
    const client = setup(
      json({ ok: false }),
      json({ ok: false, error: 'nope' }),
      json({ ok: false, error: { status: 200, message: 'fine?' } }),
      json({ ok: false, error: { status: '401' } }),
    );
    for (let i = 0; i < 4; i++) {
      const error = await cloudError(client.verifyToken(TOKEN));
      expect(error).toMatchObject({ status: 502, code: 'bad_response', family: 'unavailable' });
    }
  });

  it('keeps Cloud code with HTTP 200 and no error.status', async () => {
    const client = setup(json({ ok: false, error: { code: 'invalid_token', message: 'bad' } }));
    expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({
      status: 502,
      code: 'invalid_token',
      family: 'rejected',
    });
  });
});

describe('unusable 2xx bodies', () => {
  it('a body that is not JSON keeps the HTTP status, code bad_response, unavailable', async () => {
    const client = setup(
      new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      new Response('{"ok":true}', { status: 200 }),
      new Response('{not json', { status: 200, headers: { 'content-type': 'application/json' } }),
      new Response(new Uint8Array([0x7b, 0xff, 0x7d]), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      }),
      new Response(null, { status: 204, headers: { 'content-type': 'application/json' } }),
    );
    for (const status of [200, 200, 200, 200, 204]) {
      const error = await cloudError(client.verifyToken(TOKEN));
      expect(error).toMatchObject({ status, code: 'bad_response', family: 'unavailable' });
    }
  });

  it('accepts +json media types and charset parameters', async () => {
    const body = JSON.stringify({ ok: true, data: { user: USER_WIRE } });
    const response = new Response(body, {
      headers: { 'content-type': 'Application/Vnd.Mastra+JSON ; charset=UTF-8' },
    });
    await expect(processEnvelope(response, parseUserData, 'user')).resolves.toMatchObject({ id: 'user_1' });
  });

  it('JSON that is not an envelope, or ok:true without data, is a 502 bad_response', async () => {
    const client = setup(
      json([1, 2]),
      json({ data: VERIFY_DATA }),
      json({ ok: 'true', data: VERIFY_DATA }),
      json(null),
      json({ ok: true }),
    );
    for (let i = 0; i < 5; i++) {
      expect(await cloudError(client.verifyToken(TOKEN))).toMatchObject({
        status: 502,
        code: 'bad_response',
        family: 'unavailable',
      });
    }
  });

  it('a 3xx is an unavailable redirect error, never followed', async () => {
    const client = setup(new Response(null, { status: 302, headers: { location: 'https://evil.example/' } }));
    const error = await cloudError(client.verifyToken(TOKEN));
    expect(error).toMatchObject({ status: 302, code: 'redirect', family: 'unavailable' });
    expect(fake?.calls[0]?.redirect).toBe('manual');
  });
});

describe('error messages', () => {
  it('never carry the token, even when Cloud echoes it', async () => {
    const jwtLike = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJl';
    const client = setup(
      fail(401, 'invalid_token', { message: `token ${TOKEN} is revoked` }),
      fail(401, 'invalid_token', { message: `token ${jwtLike} is revoked` }),
    );
    const first = await cloudError(client.verifyToken(TOKEN));
    expect(first.message).toBe('verify: Cloud answered 401 invalid_token: token [redacted] is revoked');
    const second = await cloudError(client.verifyToken(TOKEN));
    expect(second.message).not.toContain(jwtLike);
  });

  it('keep Cloud messages to one bounded line', async () => {
    const client = setup(fail(500, undefined, { message: `a\r\nb${'x'.repeat(1000)}` }));
    const { message } = await cloudError(client.verifyToken(TOKEN));
    expect(message).not.toMatch(/[\r\n]/);
    expect(message.length).toBeLessThan(300);
  });
});

describe('processEnvelope', () => {
  it('refuses something that is not a Response with a TypeError', async () => {
    await expect(processEnvelope({} as Response, parseUserData, 'user')).rejects.toThrow(TypeError);
  });

  it('wraps a parse function that throws something else as 502 bad_response, keeping the cause', async () => {
    const boom = new RangeError('boom');
    const error = await cloudError(
      processEnvelope(
        ok({}),
        () => {
          throw boom;
        },
        'custom',
      ),
    );
    expect(error).toMatchObject({ status: 502, code: 'bad_response', family: 'unavailable', cause: boom });
    expect(error.message).toBe('custom: data has the wrong shape');
  });

  it('passes data to the parse function and returns its result', async () => {
    await expect(processEnvelope(ok({ n: 1 }), (data) => data, 'x')).resolves.toEqual({ n: 1 });
  });
});
