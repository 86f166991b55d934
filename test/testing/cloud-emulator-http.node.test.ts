import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ServedHandler, serve } from '../../src/node/index.js';
import { type CloudEmulator, createCloudEmulator, DEMO_USER } from '../../src/testing/index.js';
import { apiHeaders, expectError, okData, PROJECT, pkcePair } from './cloud-emulator-helpers.js';

let cloud: CloudEmulator;
let server: ServedHandler;

beforeEach(async () => {
  cloud = createCloudEmulator({ projectId: PROJECT });
  server = await serve((request) => cloud.fetch(request), { port: 0 });
});

afterEach(async () => {
  await server.close();
});

describe('the emulator over real HTTP (Node adapter)', () => {
  it('runs the whole PKCE login with the real fetch', async () => {
    const { verifier, challenge } = await pkcePair();
    const redirectUri = 'http://127.0.0.1:9/auth/callback';
    const query = new URLSearchParams({
      project_id: PROJECT,
      redirect_uri: redirectUri,
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const login = await fetch(`${server.url}/auth/oss?${query}`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const code = new URL(login.headers.get('location') ?? '').searchParams.get('code');
    const exchanged = await okData(
      await fetch(`${server.url}/api/v1/auth/callback`, {
        method: 'POST',
        headers: apiHeaders(undefined, { 'Content-Type': 'application/json' }),
        body: JSON.stringify({ code, code_verifier: verifier, redirect_uri: redirectUri }),
      }),
    );
    const verified = await okData(
      await fetch(`${server.url}/api/v1/auth/verify`, {
        method: 'POST',
        headers: apiHeaders(String(exchanged.jwt)),
      }),
    );
    expect(verified.user).toMatchObject({ id: DEMO_USER.id });
  });

  it('refuses a GET that carries a body', async () => {
    const token = cloud.issueToken(DEMO_USER.id);
    const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/api/v1/users/${DEMO_USER.id}`,
        {
          method: 'GET',
          headers: { ...apiHeaders(token), 'Content-Type': 'application/json', 'Content-Length': '2' },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({
      ok: false,
      error: { code: 'body_not_allowed', status: 400 },
    });
  });

  it('turns an injected network_error into a dropped connection', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    cloud.injectFault({ kind: 'network_error', route: 'verify' });
    await expect(
      fetch(`${server.url}/api/v1/auth/verify`, { method: 'POST', headers: apiHeaders('t') }),
    ).rejects.toThrow('fetch failed');
    spy.mockRestore();
  });

  it('ends a hang when the client aborts, logging no status', async () => {
    cloud.injectFault({ kind: 'hang', route: 'verify' });
    const controller = new AbortController();
    const pending = fetch(`${server.url}/api/v1/auth/verify`, {
      method: 'POST',
      headers: apiHeaders('t'),
      signal: controller.signal,
    });
    await vi.waitFor(() => expect(cloud.calls('verify')).toBe(1));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await vi.waitFor(() =>
      expect(cloud.log).toEqual([
        { method: 'POST', path: '/api/v1/auth/verify', route: 'verify', status: 0 },
      ]),
    );
  });

  it('serves the control API over HTTP', async () => {
    const res = await fetch(`${server.url}/__emulator/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userId: DEMO_USER.id }),
    });
    const { token } = await okData(res);
    await okData(
      await fetch(`${server.url}/api/v1/auth/verify`, { method: 'POST', headers: apiHeaders(String(token)) }),
    );
    await expectError(
      await fetch(`${server.url}/api/v1/auth/verify`, {
        method: 'POST',
        headers: { Accept: 'application/json' },
      }),
      400,
      'invalid_project',
    );
  });
});
