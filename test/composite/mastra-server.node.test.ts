/**
 * `createCloudAuth` mounted as `server.auth` in a real Mastra server (`@mastra/core` 1.71 +
 * `@mastra/hono` on Node, over HTTP), through the shared harness in test/mastra/harness.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCloudAuth } from '../../src/composite/index.js';
import type { Session } from '../../src/mastra/index.js';
import { type RunningMastra, startMastra } from '../mastra/harness.js';
import { fakeProvider, sessionMethods } from './fakes.js';

const SERVICE_TOKEN = 'service-token-0123456789';
const alice = { id: 'alice' };
const mallory = { id: 'mallory' };

describe('createCloudAuth inside a Mastra server', () => {
  let server: RunningMastra;
  const sessions = sessionMethods('app');

  beforeAll(async () => {
    // The app's own auth: knows alice and mallory, admits only alice, maps users to resource ids,
    // and has its own session cookie to clear on logout.
    const appAuth = fakeProvider({
      name: 'app',
      users: { 'alice-token': alice, 'mallory-token': mallory },
      authorize: (user) => user === alice,
      extra: {
        ...sessions,
        mapUserToResourceId: (user: { id: string }) => `resource-${user.id}`,
        getClearSessionHeaders: () => ({ 'Set-Cookie': 'app-session=; Path=/; Max-Age=0' }),
      },
    });
    // A second provider that also clears a cookie, placed before the app as a Cloud provider would be.
    const cloudLike = fakeProvider({
      name: 'cloud',
      extra: {
        ...sessionMethods('cloud', new Map<string, Session>()),
        getClearSessionHeaders: () => ({ 'Set-Cookie': '__Host-cloud-session=; Path=/; Max-Age=0; Secure' }),
      },
    });
    server = await startMastra({
      auth: createCloudAuth(
        { BUSINESS_JWT_TOKEN: SERVICE_TOKEN, PROJECT_ID: 'p', MASTRA_CLOUD_API_URL: 'https://cloud.example' },
        { userAuth: appAuth, cloudProviderFactory: () => cloudLike },
      ),
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  const get = (token?: string) =>
    fetch(`${server.url}/api/tools`, token ? { headers: { Authorization: `Bearer ${token}` } } : {});

  it('admits the service token (resource id falls back to the user id, no 500)', async () => {
    expect((await get(SERVICE_TOKEN)).status).toBe(200);
  });

  it('admits a user its authenticating provider admits', async () => {
    expect((await get('alice-token')).status).toBe(200);
  });

  it('refuses a user its authenticating provider refuses, although SimpleAuth comes first', async () => {
    expect((await get('mallory-token')).status).toBe(403);
  });

  it('answers 401 without credentials or with an unknown token', async () => {
    expect((await get()).status).toBe(401);
    expect((await get('nope')).status).toBe(401);
  });

  it('sends every provider clear-session cookie on logout', async () => {
    const response = await fetch(`${server.url}/api/auth/logout`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([
      // The service tokens' sign-in cookie (SimpleAuth.signIn) is cleared too.
      'mastra-token=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
      '__Host-cloud-session=; Path=/; Max-Age=0; Secure',
      'app-session=; Path=/; Max-Age=0',
    ]);
  });
});
