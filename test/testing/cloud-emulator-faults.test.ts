import { describe, expect, it } from 'vitest';
import { DEMO_USER, type EmulatorFault, FAULT_REDIRECT_LOCATION } from '../../src/testing/index.js';
import {
  API,
  APP_CALLBACK,
  apiHeaders,
  authorize,
  expectError,
  okData,
  ossUrl,
  RFC_CHALLENGE,
  setup,
} from './cloud-emulator-helpers.js';

function verify(
  cloud: ReturnType<typeof setup>['cloud'],
  token: string,
  init: RequestInit = {},
): Promise<Response> {
  return cloud.fetcher(`${API}/auth/verify`, {
    method: 'POST',
    headers: apiHeaders(token),
    redirect: 'manual',
    ...init,
  });
}

describe('fault injection', () => {
  it.each([500, 502, 401])('http_error %i answers that status with an error envelope', async (status) => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'http_error', status });
    const res = await verify(cloud, token);
    expect(res.headers.get('Retry-After')).toBeNull();
    await expectError(res, status, status >= 500 ? 'internal_error' : 'http_error');
  });

  it.each([
    [429, 'rate_limited'],
    [503, 'service_unavailable'],
  ])('http_error %i sends Retry-After: 1', async (status, code) => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'http_error', status });
    const res = await verify(cloud, token);
    expect(res.headers.get('Retry-After')).toBe('1');
    await expectError(res, status, code);
  });

  it('ok_false answers HTTP 200 with an ok:false envelope', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'ok_false', status: 401, code: 'invalid_token', message: 'nope' });
    cloud.injectFault({ kind: 'ok_false', status: 503 });
    const first = await verify(cloud, token);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      ok: false,
      error: { message: 'nope', code: 'invalid_token', status: 401 },
    });
  });

  it('non_json answers 200 text/html', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'non_json' });
    const res = await verify(cloud, cloud.issueToken(DEMO_USER.id));
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('text/html');
    await expect(res.clone().json()).rejects.toThrow();
  });

  it('ok_without_data answers { ok: true } alone', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'ok_without_data' });
    const res = await verify(cloud, cloud.issueToken(DEMO_USER.id));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it.each([
    ['verify', `${API}/auth/verify`, 'POST'],
    ['session.validate', `${API}/auth/session/validate`, 'POST'],
    ['users.get', `${API}/users/${DEMO_USER.id}`, 'GET'],
    ['users.permissions', `${API}/users/${DEMO_USER.id}/permissions`, 'GET'],
  ] as const)('bad_shape on %s answers ok:true with data of the wrong shape', async (route, url, method) => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    const good = await okData(await cloud.fetcher(url, { method, headers: apiHeaders(token) }));
    cloud.injectFault({ kind: 'bad_shape', route });
    const res = await cloud.fetcher(url, { method, headers: apiHeaders(token) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; data: unknown };
    expect(body.ok).toBe(true);
    expect(body.data).not.toEqual(good);
    expect(JSON.stringify(body.data)).not.toContain(DEMO_USER.id);
  });

  it('delay answers after the delay and then normally', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'delay', ms: 5, times: 1 });
    await okData(await verify(cloud, cloud.issueToken(DEMO_USER.id)));
  });

  it('delay can be combined with a deciding fault', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'delay', ms: 1 });
    cloud.injectFault({ kind: 'http_error', status: 500 });
    await expectError(await verify(cloud, cloud.issueToken(DEMO_USER.id)), 500, 'internal_error');
  });

  it('a delay is cut short by an abort, rejecting with the signal reason', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'delay', ms: 60_000 });
    const controller = new AbortController();
    const pending = verify(cloud, cloud.issueToken(DEMO_USER.id), { signal: controller.signal });
    const reason = new Error('gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('hang never answers until aborted, then rejects with the reason', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'hang' });
    const controller = new AbortController();
    const pending = verify(cloud, cloud.issueToken(DEMO_USER.id), { signal: controller.signal });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(false);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(cloud.log.at(-1)).toMatchObject({ route: 'verify', status: 0 });
  });

  it('honours the signal of a Request passed as input, and an already-aborted signal', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'hang' });
    const controller = new AbortController();
    const request = new Request(`${API}/auth/verify`, {
      method: 'POST',
      headers: apiHeaders('t'),
      signal: controller.signal,
    });
    const pending = cloud.fetcher(request);
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    const before = cloud.calls();
    await expect(verify(cloud, 't', { signal: AbortSignal.abort(new Error('early')) })).rejects.toThrow(
      'early',
    );
    expect(cloud.calls()).toBe(before);
  });

  it("network_error rejects the fetcher with TypeError('fetch failed')", async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'network_error' });
    const pending = verify(cloud, cloud.issueToken(DEMO_USER.id));
    await expect(pending).rejects.toBeInstanceOf(TypeError);
    await expect(pending).rejects.toThrow('fetch failed');
    await expect(
      cloud.fetch(new Request(`${API}/auth/verify`, { method: 'POST', headers: apiHeaders('t') })),
    ).rejects.toThrow('fetch failed');
  });

  it('redirect answers 302 elsewhere to a manual-redirect client, and fails a following one', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'redirect' });
    const token = cloud.issueToken(DEMO_USER.id);
    const res = await verify(cloud, token);
    expect(res.status).toBe(302);
    expect(res.headers.get('Location')).toBe(FAULT_REDIRECT_LOCATION);
    await expect(verify(cloud, token, { redirect: 'follow' })).rejects.toThrow('fetch failed');
  });

  it('a fault without route hits every API route but not the browser routes', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'http_error', status: 503 });
    await expectError(await verify(cloud, token), 503, 'service_unavailable');
    await expectError(
      await cloud.fetcher(`${API}/users/${DEMO_USER.id}`, { headers: apiHeaders(token) }),
      503,
      'service_unavailable',
    );
    const { code } = await authorize(cloud, RFC_CHALLENGE);
    expect(code).toBeTruthy();
  });

  it('a fault with a route hits only that route, browser routes included', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'http_error', status: 500, route: 'oss' });
    cloud.injectFault({ kind: 'http_error', status: 502, route: 'users.get' });
    await okData(await verify(cloud, token));
    await expectError(
      await cloud.fetcher(ossUrl({ code_challenge: RFC_CHALLENGE }), { redirect: 'manual' }),
      500,
      'internal_error',
    );
    await expectError(
      await cloud.fetcher(`${API}/users/${DEMO_USER.id}`, { headers: apiHeaders(token) }),
      502,
      'internal_error',
    );
  });

  it('times limits a fault to that many requests; clearFaults ends the rest', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'http_error', status: 500, times: 2 });
    await expectError(await verify(cloud, token), 500, 'internal_error');
    await expectError(await verify(cloud, token), 500, 'internal_error');
    await okData(await verify(cloud, token));
    cloud.injectFault({ kind: 'http_error', status: 500 });
    await expectError(await verify(cloud, token), 500, 'internal_error');
    await expectError(await verify(cloud, token), 500, 'internal_error');
    cloud.clearFaults();
    await okData(await verify(cloud, token));
  });

  it('applies the first matching deciding fault, in injection order', async () => {
    const { cloud } = setup();
    const token = cloud.issueToken(DEMO_USER.id);
    cloud.injectFault({ kind: 'http_error', status: 502, times: 1 });
    cloud.injectFault({ kind: 'http_error', status: 504, times: 1 });
    await expectError(await verify(cloud, token), 502, 'internal_error');
    await expectError(await verify(cloud, token), 504, 'internal_error');
    await okData(await verify(cloud, token));
  });

  it('leaves a code unused when a fault answers its exchange', async () => {
    const { cloud } = setup();
    const { code } = await authorize(cloud, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    cloud.injectFault({ kind: 'http_error', status: 503, route: 'callback', times: 1 });
    const body = {
      code,
      code_verifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      redirect_uri: APP_CALLBACK,
    };
    const init = { method: 'POST', headers: apiHeaders(undefined, { 'Content-Type': 'application/json' }) };
    await expectError(
      await cloud.fetcher(`${API}/auth/callback`, { ...init, body: JSON.stringify(body) }),
      503,
      'service_unavailable',
    );
    await okData(await cloud.fetcher(`${API}/auth/callback`, { ...init, body: JSON.stringify(body) }));
  });

  it('still enforces the contract while a fault is active', async () => {
    const { cloud } = setup();
    cloud.injectFault({ kind: 'hang' });
    const res = await cloud.fetcher(`${API}/auth/verify`, {
      method: 'POST',
      headers: { Accept: 'application/json' },
    });
    await expectError(res, 400, 'invalid_project');
  });

  it.each<[string, unknown]>([
    ['an unknown kind', { kind: 'explode' }],
    ['an unknown route', { kind: 'hang', route: 'nope' }],
    ['times 0', { kind: 'hang', times: 0 }],
    ['times 1.5', { kind: 'hang', times: 1.5 }],
    ['http_error without status', { kind: 'http_error' }],
    ['http_error 200', { kind: 'http_error', status: 200 }],
    ['ok_false status 600', { kind: 'ok_false', status: 600 }],
    ['ok_false numeric code', { kind: 'ok_false', status: 400, code: 1 }],
    ['delay -1', { kind: 'delay', ms: -1 }],
    ['delay NaN', { kind: 'delay', ms: Number.NaN }],
    ['a field of another kind', { kind: 'hang', status: 500 }],
    ['null', null],
  ])('injectFault rejects %s with a TypeError', (_name, fault) => {
    const { cloud } = setup();
    expect(() => cloud.injectFault(fault as EmulatorFault)).toThrow(TypeError);
  });

  it('latencyMs delays API answers but abort still wins', async () => {
    const { cloud } = setup({ latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = verify(cloud, cloud.issueToken(DEMO_USER.id), { signal: controller.signal });
    controller.abort(new Error('too slow'));
    await expect(pending).rejects.toThrow('too slow');
    const { code } = await authorize(cloud, RFC_CHALLENGE);
    expect(code).toBeTruthy();
  });
});
