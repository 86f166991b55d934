import { describe, expect, it } from 'vitest';
import worker from '../../src/testing/cloud-emulator-worker.js';
import { expectError, okData, pkcePair } from './cloud-emulator-helpers.js';

const ORIGIN = 'https://emulator.test';

function call(env: unknown, path: string, init: RequestInit = {}): Promise<Response> {
  return worker.fetch(new Request(`${ORIGIN}${path}`, init), env);
}

function control(env: unknown, action: string, body?: unknown): Promise<Response> {
  return call(env, `/__emulator/${action}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
}

describe('cloud-emulator-worker (Worker module)', () => {
  it('serves one emulator per isolate, configured from PROJECT_ID and LOGIN_USER_EMAIL, with the control API', async () => {
    const env = { PROJECT_ID: 'proj_worker', LOGIN_USER_EMAIL: 'me@example.com' };
    await okData(await control(env, 'reset'));
    const { verifier, challenge } = await pkcePair();
    const query = new URLSearchParams({
      project_id: 'proj_worker',
      redirect_uri: 'http://localhost:8787/auth/callback',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const login = await call(env, `/auth/oss?${query}`);
    expect(login.status).toBe(302);
    const code = new URL(login.headers.get('Location') ?? '').searchParams.get('code');

    const headers = { 'X-Project-ID': 'proj_worker', Accept: 'application/json' };
    const exchanged = await okData(
      await call(env, '/api/v1/auth/callback', {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          code,
          code_verifier: verifier,
          redirect_uri: 'http://localhost:8787/auth/callback',
        }),
      }),
    );
    expect(exchanged.user).toMatchObject({ email: 'me@example.com', role: 'owner' });

    // State lives across requests in the isolate.
    const { token } = await okData(await control(env, 'tokens', { userId: 'user_demo' }));
    await okData(
      await call(env, '/api/v1/auth/verify', {
        method: 'POST',
        headers: { ...headers, Authorization: `Bearer ${String(token)}` },
      }),
    );
    const counts = await okData(await call(env, '/__emulator/counts'));
    expect(counts).toMatchObject({ oss: 1, callback: 1, verify: 1 });
    await expectError(
      await call(env, '/api/v1/auth/verify', {
        method: 'POST',
        headers: { ...headers, 'X-Project-ID': 'other' },
      }),
      400,
      'invalid_project',
    );
  });

  it('speaks the released wire with MASTRA_CLOUD_WIRE=released', async () => {
    const env = { PROJECT_ID: 'proj_released', MASTRA_CLOUD_WIRE: 'released' };
    const { token } = await okData(await control(env, 'tokens', { userId: 'user_demo' }));
    const headers = {
      'X-Project-ID': 'proj_released',
      Accept: 'application/json',
      Authorization: `Bearer ${String(token)}`,
    };
    const verified = await call(env, '/auth/verify', { method: 'POST', headers });
    expect(await verified.json()).toMatchObject({ sub: 'user_demo', role: 'owner' });
    const v1Path = await call(env, '/api/v1/auth/verify', { method: 'POST', headers });
    expect(v1Path.status).toBe(400);
    const apiToken = (await okData(await control(env, 'api-tokens'))).token;
    const asApi = await call(env, '/auth/verify', {
      method: 'POST',
      headers: { ...headers, Authorization: `Bearer ${String(apiToken)}` },
    });
    expect(await asApi.json()).toEqual({ valid: true, role: 'api', token_type: 'project_api_token' });
    const v1 = { PROJECT_ID: 'proj_v1_only' };
    expect(await expectError(await control(v1, 'api-tokens'), 400, 'wrong_wire')).toMatch(/released wire/);
  });

  it('accepts CLOUD_LATENCY_MS as a string', async () => {
    const env = { PROJECT_ID: 'proj_latency', CLOUD_LATENCY_MS: '1' };
    const { token } = await okData(await control(env, 'tokens', { userId: 'user_demo' }));
    const res = await call(env, '/api/v1/auth/verify', {
      method: 'POST',
      headers: {
        'X-Project-ID': 'proj_latency',
        Accept: 'application/json',
        Authorization: `Bearer ${String(token)}`,
      },
    });
    await okData(res);
  });

  it.each<[string, unknown, RegExp]>([
    ['PROJECT_ID missing', {}, /PROJECT_ID/],
    ['PROJECT_ID empty', { PROJECT_ID: ' ' }, /PROJECT_ID/],
    ['CLOUD_LATENCY_MS not a number', { PROJECT_ID: 'p', CLOUD_LATENCY_MS: 'slow' }, /CLOUD_LATENCY_MS/],
    ['CLOUD_LATENCY_MS negative', { PROJECT_ID: 'p', CLOUD_LATENCY_MS: -1 }, /CLOUD_LATENCY_MS/],
    ['LOGIN_USER_EMAIL not an email', { PROJECT_ID: 'p', LOGIN_USER_EMAIL: 'me' }, /LOGIN_USER_EMAIL/],
    ['no env at all', undefined, /PROJECT_ID/],
    ['MASTRA_CLOUD_WIRE unknown', { PROJECT_ID: 'p', MASTRA_CLOUD_WIRE: 'v2' }, /MASTRA_CLOUD_WIRE/],
  ])('answers 500 config_error naming the variable when %s', async (_name, env, message) => {
    const res = await call(env, '/api/v1/auth/verify', { method: 'POST' });
    expect(await expectError(res, 500, 'config_error')).toMatch(message);
  });
});
