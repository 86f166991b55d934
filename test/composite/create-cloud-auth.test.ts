import { describe, expect, it, vi } from 'vitest';
import {
  type CloudProviderConfig,
  CompositeAuth,
  createCloudAuth,
  isSSOProvider,
  SimpleAuth,
} from '../../src/composite/index.js';
import { ConfigError } from '../../src/errors/index.js';
import { MastraRBACCloud } from '../../src/provider/index.js';
import { thrownBy } from '../support/errors.js';
import { fakeProvider, mastraRequest, ssoMethods } from './fakes.js';

function cloudFactory() {
  const configs: CloudProviderConfig[] = [];
  const factory = (config: CloudProviderConfig) => {
    configs.push(config);
    return fakeProvider({
      name: 'cloud',
      users: { 'cloud-token': { id: 'cloud-user' } },
      extra: { isMastraCloudAuth: true, ...ssoMethods('cloud', []) },
    });
  };
  return { factory, configs };
}

const CLOUD_ENV = {
  PROJECT_ID: 'proj_1',
  MASTRA_CLOUD_API_URL: 'https://cloud.example/',
  BUSINESS_JWT_TOKEN: 'business-secret',
  PLAYGROUND_JWT_TOKEN: 'playground-secret',
  SESSION_SECRET: 's'.repeat(32),
};

describe('createCloudAuth', () => {
  it('orders service tokens, then Cloud, then the app auth', async () => {
    const { factory, configs } = cloudFactory();
    const appUser = { id: 'app-user' };
    const app = fakeProvider({ name: 'app', users: { 'app-token': appUser } });
    const auth = createCloudAuth(CLOUD_ENV, { userAuth: app, cloudProviderFactory: factory });

    expect(auth).toBeInstanceOf(CompositeAuth);
    expect(auth.providers).toHaveLength(3);
    expect(auth.providers[0]).toBeInstanceOf(SimpleAuth);
    expect(auth.providers[1]?.name).toBe('cloud');
    expect(auth.providers[2]).toBe(app);
    expect(configs).toEqual([
      {
        projectId: 'proj_1',
        cloudBaseUrl: 'https://cloud.example',
        sessionSecret: 's'.repeat(32),
        wire: 'v1',
      },
    ]);

    for (const token of ['business-secret', 'playground-secret']) {
      const user = await auth.authenticateToken(token, mastraRequest());
      expect(user).toEqual({ id: 'business-api', role: 'api' });
      expect(await auth.authorizeUser(user, mastraRequest())).toBe(true);
    }
    expect(await auth.authenticateToken('cloud-token', mastraRequest())).toEqual({ id: 'cloud-user' });
    expect(await auth.authenticateToken('app-token', mastraRequest())).toBe(appUser);
    expect(auth.isSimpleAuth).toBe(true);
    expect(auth.isMastraCloudAuth).toBe(true);
    expect(isSSOProvider(auth.providers[1])).toBe(true);
  });

  it('leaves out what is not configured', () => {
    const onlyTokens = createCloudAuth({ BUSINESS_JWT_TOKEN: 'b' });
    expect(onlyTokens.providers).toHaveLength(1);
    expect(onlyTokens.providers[0]).toBeInstanceOf(SimpleAuth);

    const app = fakeProvider();
    const onlyApp = createCloudAuth({}, { userAuth: app });
    expect(onlyApp.providers).toEqual([app]);

    const nothing = createCloudAuth(
      { BUSINESS_JWT_TOKEN: '', PLAYGROUND_JWT_TOKEN: undefined },
      {
        userAuth: null,
      },
    );
    expect(nothing).toBeInstanceOf(CompositeAuth);
    expect(nothing.providers).toEqual([]);
  });

  it('passes the callback URL and the Cloud options through, env settings first', () => {
    const { factory, configs } = cloudFactory();
    const kv = { get: () => null };
    createCloudAuth(
      {
        ...CLOUD_ENV,
        MASTRA_CLOUD_CALLBACK_URL: 'https://runner.example/auth/callback',
        SESSION_SECRET: undefined,
      },
      { cloudProviderFactory: factory, cloudOptions: { kv } },
    );
    expect(configs).toEqual([
      {
        kv,
        projectId: 'proj_1',
        cloudBaseUrl: 'https://cloud.example',
        callbackUrl: 'https://runner.example/auth/callback',
        wire: 'v1',
      },
    ]);
    expect(() =>
      createCloudAuth(CLOUD_ENV, { cloudProviderFactory: factory, cloudOptions: { projectId: 'other' } }),
    ).toThrow(/cloudOptions\.projectId/);
  });

  it('requires PROJECT_ID when Cloud auth is on', () => {
    const { factory } = cloudFactory();
    const error = thrownBy(() =>
      createCloudAuth({ MASTRA_CLOUD_API_URL: 'https://cloud.example' }, { cloudProviderFactory: factory }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'PROJECT_ID', family: 'misconfigured', status: 500 });
  });

  it('passes the wire profile from MASTRA_CLOUD_WIRE, or the wire option, to the Cloud provider', () => {
    const { factory, configs } = cloudFactory();
    createCloudAuth({ ...CLOUD_ENV, MASTRA_CLOUD_WIRE: 'released' }, { cloudProviderFactory: factory });
    createCloudAuth(CLOUD_ENV, { cloudProviderFactory: factory, wire: 'released' });
    createCloudAuth(
      { ...CLOUD_ENV, MASTRA_CLOUD_WIRE: 'released' },
      { cloudProviderFactory: factory, wire: 'v1' },
    );
    expect(configs.map((c) => c.wire)).toEqual(['released', 'released', 'v1']);
    const error = thrownBy(() =>
      createCloudAuth({ ...CLOUD_ENV, MASTRA_CLOUD_WIRE: 'v2' }, { cloudProviderFactory: factory }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'MASTRA_CLOUD_WIRE' });
    expect(String(error)).not.toContain('v2');
    expect(() => createCloudAuth(CLOUD_ENV, { wire: 'v2' as 'v1' })).toThrow(
      /"options\.wire" must be one of/,
    );
    // The default provider speaks it.
    const auth = createCloudAuth({ ...CLOUD_ENV, MASTRA_CLOUD_WIRE: 'released' });
    expect(auth.providers.map((p) => p.name)).toEqual(['simple', 'mastra-cloud']);
  });

  it('builds the real MastraCloudAuthProvider by default when Cloud auth is on', () => {
    const auth = createCloudAuth(CLOUD_ENV);
    expect(auth.providers.map((p) => p.name)).toEqual(['simple', 'mastra-cloud']);
    expect(auth.isMastraCloudAuth).toBe(true);
    expect(isSSOProvider(auth.providers[1])).toBe(true);
  });

  it('names SESSION_SECRET when the default Cloud provider has no usable secret', () => {
    const { SESSION_SECRET: _omitted, ...env } = CLOUD_ENV;
    for (const candidate of [env, { ...env, SESSION_SECRET: 'short' }]) {
      const error = thrownBy(() => createCloudAuth(candidate));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ setting: 'SESSION_SECRET' });
      expect((error as Error).message).not.toContain('business-secret');
      expect((error as Error).message).not.toContain('short');
    }
  });

  it.each([
    ['MASTRA_CLOUD_API_URL', { ...CLOUD_ENV, MASTRA_CLOUD_API_URL: 'cloud.example' }],
    ['MASTRA_CLOUD_API_URL', { ...CLOUD_ENV, MASTRA_CLOUD_API_URL: 'ftp://cloud.example' }],
    ['MASTRA_CLOUD_CALLBACK_URL', { ...CLOUD_ENV, MASTRA_CLOUD_CALLBACK_URL: '/auth/callback' }],
  ])('refuses a bad %s with a ConfigError naming it', (setting, env) => {
    const error = thrownBy(() => createCloudAuth(env, { cloudProviderFactory: cloudFactory().factory }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting });
  });

  it('refuses bad arguments with a TypeError naming them', () => {
    // @ts-expect-error: deliberately wrong
    expect(() => createCloudAuth(null)).toThrow(/"env"/);
    // @ts-expect-error: deliberately wrong
    expect(() => createCloudAuth({}, { userAuth: { rules: [] } })).toThrow(/"options.userAuth"/);
    expect(() => createCloudAuth(CLOUD_ENV, { cloudProviderFactory: () => ({}) as never })).toThrow(
      /"options.cloudProviderFactory"/,
    );
  });

  it('reads only the object it is given, never process.env', () => {
    const globalProcess = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
    const env = globalProcess?.env;
    if (env) {
      env.BUSINESS_JWT_TOKEN = 'from-process-env';
      env.MASTRA_CLOUD_API_URL = 'https://cloud.example';
    }
    try {
      const auth = createCloudAuth({});
      expect(auth.providers).toEqual([]);
    } finally {
      if (env) {
        delete env.BUSINESS_JWT_TOKEN;
        delete env.MASTRA_CLOUD_API_URL;
      }
    }
  });

  it('refuses a non-string value, naming the setting (the gateway reads with the same rules)', () => {
    for (const [name, value] of [
      ['BUSINESS_JWT_TOKEN', ['a']],
      ['PLAYGROUND_JWT_TOKEN', { toString: () => 'b' }],
      ['MASTRA_CLOUD_API_URL', 1],
    ] as const) {
      expect(() => createCloudAuth({ [name]: value } as never)).toThrow(
        expect.objectContaining({ name: 'ConfigError', setting: name }),
      );
    }
  });

  it('counts null, empty and whitespace-only values as unset, and trims settings', () => {
    expect(
      createCloudAuth({ BUSINESS_JWT_TOKEN: '', MASTRA_CLOUD_API_URL: '  ', PROJECT_ID: null } as never)
        .providers,
    ).toEqual([]);
    const factory = vi.fn(() => new SimpleAuth({ tokens: {} }));
    createCloudAuth(
      { MASTRA_CLOUD_API_URL: ' https://cloud.example/ ', PROJECT_ID: ' proj_1 ' },
      { cloudProviderFactory: factory },
    );
    expect(factory).toHaveBeenCalledWith(
      expect.objectContaining({ projectId: 'proj_1', cloudBaseUrl: 'https://cloud.example' }),
    );
  });
});

describe('createCloudAuth RBAC (CONTRACT 4b)', () => {
  const cloudUser = (role?: string) => ({ id: `u-${role ?? 'none'}`, ...(role !== undefined && { role }) });

  function withCloudUsers(options: Parameters<typeof createCloudAuth>[1] = {}) {
    const users: Record<string, unknown> = {};
    for (const role of ['owner', 'admin', 'member', 'viewer', 'stranger'])
      users[`t-${role}`] = cloudUser(role);
    users['t-none'] = cloudUser();
    const factory = () =>
      fakeProvider({
        name: 'cloud',
        users,
        extra: {
          getPermissions: async () => ['cloud:endpoint'],
          hasPermission: async () => false,
        },
      });
    return createCloudAuth(CLOUD_ENV, { cloudProviderFactory: factory, ...options });
  }

  it('with Cloud on, every default role gets exactly its mapped permissions; service tokens are api', async () => {
    const auth = withCloudUsers();
    expect(auth.rbac).toBeInstanceOf(MastraRBACCloud);
    const expected: Record<string, string[]> = {
      owner: ['*'],
      admin: ['*:read', '*:write', '*:execute'],
      member: ['*:read', '*:execute'],
      viewer: ['*:read'],
      stranger: [],
      none: [],
    };
    for (const [role, permissions] of Object.entries(expected)) {
      const user = await auth.authenticateToken(`t-${role}`, mastraRequest());
      expect(await auth.getPermissions(user)).toEqual(permissions);
    }
    const service = await auth.authenticateToken('business-secret', mastraRequest());
    expect(await auth.getRoles(service)).toEqual(['api']);
    expect(await auth.getPermissions(service)).toEqual(['*:read', '*:write', '*:execute']);
    expect(await auth.hasPermission(service, 'agents:execute')).toBe(true);
    expect(await auth.hasPermission(service, 'agents:delete')).toBe(false);
    expect((await auth.getAvailableRoles?.())?.map((role) => role.id)).toEqual([
      'owner',
      'admin',
      'api',
      'member',
      'viewer',
    ]);
  });

  it('roleMapping replaces the map', async () => {
    const auth = withCloudUsers({ roleMapping: { viewer: ['agents:read'], _default: ['tools:read'] } });
    const viewer = await auth.authenticateToken('t-viewer', mastraRequest());
    const owner = await auth.authenticateToken('t-owner', mastraRequest());
    expect(await auth.getPermissions(viewer)).toEqual(['agents:read']);
    expect(await auth.getPermissions(owner)).toEqual(['tools:read']);
  });

  it('the app’s rbac replaces it; null keeps each provider’s own', async () => {
    const own = new MastraRBACCloud({ roleMapping: { viewer: ['*'] } });
    const mine = withCloudUsers({ rbac: own });
    expect(mine.rbac).toBe(own);
    expect(await mine.getPermissions(await mine.authenticateToken('t-viewer', mastraRequest()))).toEqual([
      '*',
    ]);
    const providers = withCloudUsers({ rbac: null });
    expect(providers.rbac).toBeUndefined();
    const viewer = await providers.authenticateToken('t-viewer', mastraRequest());
    expect(await providers.getPermissions(viewer)).toEqual(['cloud:endpoint']);
  });

  it('without Cloud there is no Cloud RBAC: service tokens keep every permission', async () => {
    const auth = createCloudAuth({ BUSINESS_JWT_TOKEN: 'business-secret' });
    expect(auth.rbac).toBeUndefined();
    const service = await auth.authenticateToken('business-secret', mastraRequest());
    expect(await auth.getPermissions(service)).toEqual(['*']);
  });

  it('refuses a bad rbac, a bad roleMapping, and both together', () => {
    expect(() => withCloudUsers({ rbac: {} as never })).toThrow(/options.rbac/);
    expect(() => withCloudUsers({ roleMapping: { viewer: 'x' } as never })).toThrow(/options.roleMapping/);
    expect(() => withCloudUsers({ rbac: null, roleMapping: {} })).toThrow(/exclude each other/);
  });
});

describe('createCloudAuth capabilities seen by the Mastra server', () => {
  it('service tokens only: no SSO or session members (no dead Sign-in button), credentials sign-in', () => {
    const auth = createCloudAuth({ BUSINESS_JWT_TOKEN: 'business-secret' });
    expect(Reflect.get(auth, 'getLoginUrl')).toBeUndefined();
    expect(Reflect.get(auth, 'createSession')).toBeUndefined();
    expect(typeof auth.signIn).toBe('function');
    expect(auth.isSignUpEnabled?.()).toBe(false);
    expect(auth.isSimpleAuth).toBe(true);
  });

  it('keys the sign-in cookie with SESSION_SECRET, and refuses a short one even without Cloud', async () => {
    const auth = createCloudAuth({ BUSINESS_JWT_TOKEN: 'business-secret', SESSION_SECRET: 's'.repeat(32) });
    const result = await auth.signIn?.('a@example.com', 'business-secret', new Request('https://r.example/'));
    expect(result?.user).toEqual({ id: 'business-api', role: 'api' });
    expect(result?.cookies?.[0]).toMatch(/^mastra-token=.+; Secure; SameSite=Lax$/);
    const error = thrownBy(() => createCloudAuth({ BUSINESS_JWT_TOKEN: 'x', SESSION_SECRET: 'short' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'SESSION_SECRET' });
  });

  it('with Cloud: SSO is there, and hideMissing: false keeps every member', () => {
    const { factory } = cloudFactory();
    expect(typeof createCloudAuth(CLOUD_ENV, { cloudProviderFactory: factory }).getLoginUrl).toBe('function');
    const all = createCloudAuth({ BUSINESS_JWT_TOKEN: 'x' }, { hideMissing: false });
    expect(typeof all.getLoginUrl).toBe('function');
  });
});
