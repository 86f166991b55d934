import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { MastraCloudClient } from '../../src/cloud-fetch/index.js';
import { ConfigError } from '../../src/errors/index.js';
import type {
  IMastraAuthProvider,
  IRBACProvider,
  ISessionProvider,
  ISSOProvider,
  IUserProvider,
} from '../../src/mastra/interfaces.js';
import {
  createMastraCloudAuthProvider,
  MastraCloudAuthProvider,
  type MastraCloudAuthProviderOptions,
} from '../../src/provider/index.js';
import { WIRE } from '../wire.js';
import { ALICE, BOB, CLOUD, harness, mastraLogin, mastraRequest, PROJECT, SECRET } from './helpers.js';

const base: MastraCloudAuthProviderOptions = {
  projectId: PROJECT,
  cloudBaseUrl: CLOUD,
  wire: WIRE,
  sessionSecret: SECRET,
};

afterEach(() => {
  vi.restoreAllMocks();
});

function thrown(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('MastraCloudAuthProvider construction', () => {
  it('satisfies every Mastra auth interface', () => {
    expectTypeOf<MastraCloudAuthProvider>().toExtend<
      IMastraAuthProvider<import('../../src/cloud-fetch/index.js').CloudUser>
    >();
    expectTypeOf<MastraCloudAuthProvider>().toExtend<
      ISSOProvider<import('../../src/cloud-fetch/index.js').CloudUser>
    >();
    expectTypeOf<MastraCloudAuthProvider>().toExtend<ISessionProvider>();
    expectTypeOf<MastraCloudAuthProvider>().toExtend<
      IUserProvider<import('../../src/cloud-fetch/index.js').CloudUser>
    >();
    expectTypeOf<MastraCloudAuthProvider>().toExtend<
      IRBACProvider<import('../../src/cloud-fetch/index.js').CloudUser>
    >();
    const provider = new MastraCloudAuthProvider(base);
    expect(provider.name).toBe('mastra-cloud');
    expect(provider.isMastraCloudAuth).toBe(true);
    expect(provider.protected).toBeUndefined();
    expect(new MastraCloudAuthProvider({ ...base, protected: ['/v2/*'] }).protected).toEqual(['/v2/*']);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['short', 'x'.repeat(31)],
  ])('refuses a %s sessionSecret with a ConfigError naming SESSION_SECRET', (_label, sessionSecret) => {
    const error = thrown(
      () => new MastraCloudAuthProvider({ ...base, sessionSecret: sessionSecret as string }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'SESSION_SECRET', status: 500 });
    expect(
      thrown(() => createMastraCloudAuthProvider({ projectId: PROJECT, cloudBaseUrl: CLOUD })),
    ).toMatchObject({
      setting: 'SESSION_SECRET',
    });
  });

  it.each([
    ['projectId', { projectId: '' }],
    ['cloudBaseUrl', { cloudBaseUrl: 'ftp://cloud.test' }],
    ['cloudBaseUrl', { cloudBaseUrl: undefined }],
    ['callbackUrl', { callbackUrl: 'not a url' }],
    ['callbackUrl', { callbackUrl: 'https://app.test/cb#frag' }],
    ['kv', { kv: {} }],
    ['cache', { cache: 5 }],
    ['cache.coalesce', { cache: { coalesce: 'always' } }],
    ['cache.positiveTtlMs', { cache: { positiveTtlMs: '60' } }],
    ['positiveTtlMs', { cache: { positiveTtlMs: -1 } }],
    ['cookies', { cookies: 'secure' }],
    ['cookies.secure', { cookies: { secure: 'yes' } }],
    ['sessionMaxAgeSeconds', { sessionMaxAgeSeconds: 10 }],
    ['onError', { onError: 'log' }],
    ['clock', { clock: {} }],
    ['client', { client: { verifyToken() {} } }],
  ])('refuses a bad %s with a TypeError naming it', (name, patch) => {
    const error = thrown(() => new MastraCloudAuthProvider({ ...base, ...(patch as object) }));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toContain(name);
  });

  it('accepts a ready client and a Workers-style KV binding', async () => {
    const h = harness();
    const binding = {
      get: (key: string, type: 'text') => h.store.get(key, type),
      put: (key: string, value: string, options?: { expirationTtl?: number }) =>
        h.store.put(key, value, options),
      delete: (key: string) => h.store.delete(key),
    };
    const provider = new MastraCloudAuthProvider({ ...base, client: h.client, kv: binding, clock: h.clock });
    const user = await provider.authenticateToken(h.cloud.issueToken(ALICE.id), mastraRequest());
    expect(user?.id).toBe(ALICE.id);
    expect(h.kv.records().some((r) => r.key.startsWith('verify:'))).toBe(true);
  });

  it('builds its own client from projectId, cloudBaseUrl and fetch', async () => {
    const h = harness();
    const provider = new MastraCloudAuthProvider({ ...base, fetch: h.cloud.fetcher });
    expect(await provider.getLogoutUrl('https://app.test/')).toContain(`${CLOUD}/auth/logout`);
    const user = await provider.authenticateToken(h.cloud.issueToken(BOB.id), mastraRequest());
    expect(user?.id).toBe(BOB.id);
    expect(new MastraCloudClient({ projectId: PROJECT, baseUrl: CLOUD })).toBeInstanceOf(MastraCloudClient);
  });
});

describe('no token in logs', () => {
  it('writes no token to the console during login, use, refresh, failures and logout', async () => {
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const spies = methods.map((m) => vi.spyOn(console, m).mockImplementation(() => {}));
    const errors: unknown[] = [];
    const h = harness({ onError: (_report, error) => errors.push(error) });
    const { result, sessionCookie } = await mastraLogin(h);
    const token = result.tokens.accessToken;
    const request = mastraRequest({ Cookie: sessionCookie });
    const user = await h.provider.authenticateToken('', request);
    await h.provider.getPermissions(user!);
    const handle = h.provider.getSessionIdFromRequest(
      new Request('https://app.test/', { headers: { Cookie: sessionCookie } }),
    )!;
    await h.provider.refreshSession(handle);
    h.cloud.injectFault({ route: 'verify', kind: 'http_error', status: 503 });
    const bearer = h.cloud.issueToken(BOB.id);
    const outage = await h.provider.authenticateToken(bearer, mastraRequest()).catch((e: unknown) => e);
    h.cloud.clearFaults();
    h.cloud.injectFault({ route: 'session.destroy', kind: 'http_error', status: 500 });
    await h.provider.destroySession(handle);
    const secrets = [token, bearer, handle];
    for (const spy of spies) {
      for (const call of spy.mock.calls) {
        const text = call
          .map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : String(arg)))
          .join(' ');
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
    for (const error of [outage, ...errors]) {
      const text = error instanceof Error ? `${error.message} ${error.stack ?? ''}` : String(error);
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(errors.length).toBeGreaterThan(0);
  });
});
