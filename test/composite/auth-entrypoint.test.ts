/**
 * Runs the generated entry-point code (not a string comparison): the import line is turned into a
 * parameter and the rest is evaluated with `new Function` against a fake `mastra` and a fake
 * `process`. (The Workers vitest pool allows `new Function`; production workerd does not, which
 * does not matter: the snippet is for a deployer's bundled Node entry.)
 */
import { describe, expect, it } from 'vitest';
import * as composite from '../../src/composite/index.js';
import {
  type CloudProviderConfig,
  CompositeAuth,
  getAuthEntrypoint,
  SimpleAuth,
} from '../../src/composite/index.js';
import type { IMastraAuthProvider } from '../../src/mastra/index.js';
import { fakeProvider, mastraRequest } from './fakes.js';

const IMPORT_LINE = /^import \{ createCloudAuth as (__mastraEdgeAuthCreateCloudAuth) \} from ("[^"]+");$/m;

type ServerConfig = { auth?: unknown; port?: number };

function fakeMastra(server: ServerConfig | undefined, withSetServer = true) {
  const warnings: unknown[][] = [];
  const mastra: Record<string, unknown> = {
    server,
    getServer: () => mastra.server,
    getLogger: () => ({ warn: (...args: unknown[]) => warnings.push(args) }),
  };
  if (withSetServer) mastra.setServer = (config: ServerConfig) => (mastra.server = config);
  return { mastra, warnings, server: () => mastra.server as ServerConfig | undefined };
}

/** The auth the snippet installed; fails the test unless it is a CompositeAuth. */
function installedAuth(fake: ReturnType<typeof fakeMastra>): CompositeAuth {
  const auth = fake.server()?.auth;
  if (!(auth instanceof CompositeAuth)) throw new Error('no CompositeAuth was installed');
  return auth;
}

/** Evaluate the snippet: `createCloudAuth` is our implementation, bound to a test Cloud factory. */
function run(
  code: string,
  mastra: Record<string, unknown>,
  env: Record<string, string | undefined>,
  cloudProviderFactory?: (config: CloudProviderConfig) => IMastraAuthProvider,
) {
  const match = IMPORT_LINE.exec(code);
  if (!match) throw new Error('the snippet has no createCloudAuth import');
  const body = code.replace(IMPORT_LINE, '');
  const createCloudAuth: typeof composite.createCloudAuth = (e, options = {}) =>
    composite.createCloudAuth(e, cloudProviderFactory ? { ...options, cloudProviderFactory } : options);
  new Function(match[1]!, 'mastra', 'process', body)(createCloudAuth, mastra, { env });
  return JSON.parse(match[2]!) as string;
}

describe('getAuthEntrypoint', () => {
  it('imports createCloudAuth from the package composite entry', () => {
    const specifier = IMPORT_LINE.exec(getAuthEntrypoint())?.[2];
    expect(specifier).toBe('"mastra-edge-auth/composite"');
    expect(IMPORT_LINE.exec(getAuthEntrypoint({ packageName: '@acme/edge-auth' }))?.[2]).toBe(
      '"@acme/edge-auth/composite"',
    );
  });

  it('wraps the app auth: service tokens, then Cloud, then the app auth, read from process.env at run time', async () => {
    const appUser = { id: 'app-user' };
    const appAuth = fakeProvider({ name: 'app', users: { 'app-token': appUser } });
    const server: ServerConfig = { auth: appAuth, port: 4111 };
    const { mastra } = fakeMastra(server);
    const cloudConfigs: CloudProviderConfig[] = [];
    const cloud = fakeProvider({ name: 'cloud', users: { 'cloud-token': { id: 'c' } } });
    const env = {
      PROJECT_ID: 'proj_1',
      MASTRA_CLOUD_API_URL: 'https://cloud.example',
      BUSINESS_JWT_TOKEN: 'business-secret',
      PLAYGROUND_JWT_TOKEN: 'playground-secret',
      UNRELATED_SECRET: 'must-not-travel',
    };
    const code = getAuthEntrypoint();
    expect(code).not.toContain('business-secret');

    run(code, mastra, env, (config) => {
      cloudConfigs.push(config);
      return cloud;
    });

    const auth = server.auth;
    expect(auth).toBeInstanceOf(CompositeAuth);
    const providers = (auth as CompositeAuth).providers;
    expect(providers[0]).toBeInstanceOf(SimpleAuth);
    expect(providers[1]).toBe(cloud);
    expect(providers[2]).toBe(appAuth);
    expect(server.port).toBe(4111);
    expect(cloudConfigs).toEqual([
      { projectId: 'proj_1', cloudBaseUrl: 'https://cloud.example', wire: 'v1' },
    ]);
    expect(await (auth as CompositeAuth).authenticateToken('playground-secret', mastraRequest())).toEqual({
      id: 'business-api',
      role: 'api',
    });
    expect(await (auth as CompositeAuth).authenticateToken('app-token', mastraRequest())).toBe(appUser);
  });

  it('reads the environment when the code runs, not when it is generated', () => {
    const code = getAuthEntrypoint();
    const first = fakeMastra({});
    run(code, first.mastra, { BUSINESS_JWT_TOKEN: 'one' });
    const second = fakeMastra({});
    run(code, second.mastra, {});
    expect(installedAuth(first).providers).toHaveLength(1);
    expect(installedAuth(second).providers).toHaveLength(0);
  });

  it('installs a server config when mastra has none, and refuses to start when it cannot', () => {
    const code = getAuthEntrypoint();
    const bare = fakeMastra(undefined);
    run(code, bare.mastra, { BUSINESS_JWT_TOKEN: 'one' });
    expect(bare.server()?.auth).toBeInstanceOf(CompositeAuth);

    const stuck = fakeMastra(undefined, false);
    expect(() => run(code, stuck.mastra, {})).toThrow(/refusing to start without auth/);
  });

  it('stops start-up on a configuration error', () => {
    const { mastra } = fakeMastra({});
    expect(() => run(getAuthEntrypoint(), mastra, { MASTRA_CLOUD_API_URL: 'https://cloud.example' })).toThrow(
      expect.objectContaining({ name: 'ConfigError', setting: 'PROJECT_ID' }),
    );
  });

  it('logs provider failures by error name only', async () => {
    const failing = fakeProvider({
      name: 'app',
      authenticate: () => Promise.reject(new Error('token abc leaked')),
    });
    const fake = fakeMastra({ auth: failing });
    run(getAuthEntrypoint(), fake.mastra, {});
    expect(await installedAuth(fake).authenticateToken('abc', mastraRequest())).toBeNull();
    expect(fake.warnings).toEqual([
      [
        'mastra-edge-auth: auth provider failed',
        { provider: 'app', operation: 'authenticateToken', error: 'Error' },
      ],
    ]);
  });

  it('refuses a package name that is not one', () => {
    for (const packageName of ['x"; process.exit(1); "', '../local', 'UPPER', '']) {
      expect(() => getAuthEntrypoint({ packageName })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
      );
    }
  });
});
