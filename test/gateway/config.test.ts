import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors/index.js';
import { parseConfig } from '../../src/gateway/config.js';
import { asKVStore } from '../../src/kv-session/index.js';

const SECRET = 'x'.repeat(32);
const kv = { get: async () => null, put: async () => undefined, delete: async () => undefined };
const base = {
  UPSTREAM_URL: 'http://127.0.0.1:4111',
  SESSION_SECRET: SECRET,
  MASTRA_CLOUD_API_URL: 'https://cloud.example/',
  PROJECT_ID: 'proj_1',
  PUBLIC_ORIGIN: 'https://app.example',
  AUTH_KV: kv,
};

function problems(env: object): string[] {
  const result = parseConfig(env);
  return result.ok ? [] : result.problems.map((p) => p.setting);
}

describe('parseConfig', () => {
  it('accepts a complete environment and normalizes it', () => {
    const result = parseConfig({ ...base, PUBLIC_PATHS: '/health, /static/*', AUTH_COOKIE_SECURE: 'false' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.cloud).toEqual({
      projectId: 'proj_1',
      baseUrl: 'https://cloud.example',
      callbackUrl: undefined,
    });
    expect(result.config.upstream).toEqual({ kind: 'url', origin: 'http://127.0.0.1:4111' });
    expect(result.config.publicPaths).toEqual([
      { path: '/health', prefix: false },
      { path: '/static/', prefix: true },
    ]);
    expect(result.config.cookieSecure).toBe(false);
    expect(result.config.kv).toBe(asKVStore(kv)); // the shared adapter of this binding
  });

  it('defaults to secure cookies and no public paths; Cloud off without MASTRA_CLOUD_API_URL', () => {
    const result = parseConfig({ UPSTREAM_URL: 'https://runner.internal', SESSION_SECRET: SECRET });
    expect(result.ok && result.config.cookieSecure).toBe(true);
    expect(result.ok && result.config.publicPaths).toEqual([]);
    expect(result.ok && result.config.cloud).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['short', 'x'.repeat(31)],
    ['not a string', 42],
  ])('refuses a %s SESSION_SECRET, naming it and never its value', (_label, value) => {
    const result = parseConfig({ ...base, SESSION_SECRET: value });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.setting)).toEqual(['SESSION_SECRET']);
    const [problem] = result.problems;
    expect(problem).toBeInstanceOf(ConfigError);
    expect(problem?.message).toContain('SESSION_SECRET');
    if (typeof value === 'string' && value !== '') expect(problem?.message).not.toContain(value);
  });

  it('counts SESSION_SECRET length in UTF-8 bytes', () => {
    expect(problems({ ...base, SESSION_SECRET: 'é'.repeat(16) })).toEqual([]);
    expect(problems({ ...base, SESSION_SECRET: 'é'.repeat(15) })).toEqual(['SESSION_SECRET']);
  });

  it('collects every problem at once', () => {
    expect(
      problems({ MASTRA_CLOUD_API_URL: 'ftp://x', AUTH_COOKIE_SECURE: 'maybe', PUBLIC_PATHS: 'nope' }).sort(),
    ).toEqual([
      'AUTH_COOKIE_SECURE',
      'MASTRA_CLOUD_API_URL',
      'PUBLIC_PATHS',
      'SESSION_SECRET',
      'UPSTREAM_URL',
    ]);
  });

  it.each([
    [{ UPSTREAM_URL: undefined }, 'UPSTREAM_URL'],
    [{ UPSTREAM_URL: 'runner:4111' }, 'UPSTREAM_URL'],
    [{ UPSTREAM_URL: 'http://runner/base' }, 'UPSTREAM_URL'],
    [{ UPSTREAM_URL: 'http://user:pw@runner' }, 'UPSTREAM_URL'],
    [{ UPSTREAM: 'not a binding' }, 'UPSTREAM'],
    [{ PROJECT_ID: '' }, 'PROJECT_ID'],
    [{ MASTRA_CLOUD_API_URL: 'not a url' }, 'MASTRA_CLOUD_API_URL'],
    [{ MASTRA_CLOUD_API_URL: 'https://cloud.example?x=1' }, 'MASTRA_CLOUD_API_URL'],
    [{ MASTRA_CLOUD_CALLBACK_URL: 'javascript:alert(1)' }, 'MASTRA_CLOUD_CALLBACK_URL'],
    [{ AUTH_KV: undefined }, 'AUTH_KV'],
    [{ AUTH_KV: { get: 1 } }, 'AUTH_KV'],
    [{ AUTH_COOKIE_SECURE: 'yes' }, 'AUTH_COOKIE_SECURE'],
  ])('refuses %j', (patch, setting) => {
    expect(problems({ ...base, ...patch })).toEqual([setting]);
  });

  it('prefers a service binding UPSTREAM over UPSTREAM_URL', () => {
    const fetcher = { fetch: async () => new Response('ok') };
    const result = parseConfig({ ...base, UPSTREAM: fetcher });
    expect(result.ok && result.config.upstream).toEqual({ kind: 'binding', fetcher });
  });

  it('does not require AUTH_KV when Cloud user auth is off', () => {
    const { MASTRA_CLOUD_API_URL: _u, AUTH_KV: _k, ...rest } = base;
    expect(problems(rest)).toEqual([]);
  });

  it('takes the public origin from PUBLIC_ORIGIN or the callback URL, never from a request', () => {
    const ok = parseConfig({
      ...base,
      PUBLIC_ORIGIN: undefined,
      MASTRA_CLOUD_CALLBACK_URL: 'https://app.example/auth/callback',
    });
    expect(ok.ok && ok.config.publicOrigin).toBe('https://app.example');
    expect(problems({ ...base, PUBLIC_ORIGIN: undefined })).toEqual(['PUBLIC_ORIGIN']);
    expect(problems({ ...base, PUBLIC_ORIGIN: undefined, AUTH_COOKIE_SECURE: 'false' })).toEqual([]);
    expect(problems({ ...base, PUBLIC_ORIGIN: 'https://app.example/base' })).toEqual(['PUBLIC_ORIGIN']);
    expect(problems({ ...base, PUBLIC_ORIGIN: '*' })).toEqual(['PUBLIC_ORIGIN']);
    expect(problems({ ...base, MASTRA_CLOUD_CALLBACK_URL: 'https://other.example/auth/callback' })).toEqual([
      'MASTRA_CLOUD_CALLBACK_URL',
    ]);
  });

  it('checks FORWARD_CREDENTIALS, CORS_ORIGINS and the identity settings', () => {
    expect(problems({ ...base, FORWARD_CREDENTIALS: 'yes' })).toEqual(['FORWARD_CREDENTIALS']);
    expect(problems({ ...base, CORS_ORIGINS: 'https://a.example, *' })).toEqual(['CORS_ORIGINS']);
    const cors = parseConfig({ ...base, CORS_ORIGINS: 'https://a.example, http://localhost:5173/' });
    expect(cors.ok && cors.config.corsOrigins).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(problems({ ...base, IDENTITY_AUDIENCE: 'runner' })).toEqual(['IDENTITY_SIGNING_KEY']);
    const identity = parseConfig({ ...base, IDENTITY_SIGNING_KEY: 'k'.repeat(32) });
    expect(identity.ok && identity.config.identity?.audience).toBe('http://127.0.0.1:4111');
    expect(
      problems({
        ...base,
        UPSTREAM_URL: undefined,
        UPSTREAM: { fetch: async () => new Response() },
        IDENTITY_SIGNING_KEY: 'k'.repeat(32),
      }),
    ).toEqual(['IDENTITY_AUDIENCE']);
  });
});

describe('parseConfig: AUTH_DO', () => {
  const namespace = {
    idFromName: (name: string) => name,
    get: () => ({ fetch: async () => new Response('{}') }),
  };

  it('is optional; with it the Durable Object stores are built and AUTH_DO_SYNC_MS is read', () => {
    const without = parseConfig(base);
    expect(without.ok && without.config.durableObject).toBeUndefined();
    const withDo = parseConfig({ ...base, AUTH_DO: namespace, AUTH_DO_SYNC_MS: '250' });
    expect(withDo.ok && withDo.config.durableObject?.syncMs).toBe(250);
    expect(withDo.ok && withDo.config.durableObject?.stores.store.capabilities?.engine).toBe(
      'durable-object',
    );
    const defaults = parseConfig({ ...base, AUTH_DO: namespace });
    expect(defaults.ok && defaults.config.durableObject?.syncMs).toBe(0);
  });

  it.each([
    ['AUTH_DO', { AUTH_DO: 'not a binding' }],
    ['AUTH_DO', { AUTH_DO: { get: (): null => null } }],
    ['AUTH_DO_SYNC_MS', { AUTH_DO: namespace, AUTH_DO_SYNC_MS: '-1' }],
    ['AUTH_DO_SYNC_MS', { AUTH_DO: namespace, AUTH_DO_SYNC_MS: '1e3' }],
    ['AUTH_DO_SYNC_MS', { AUTH_DO: namespace, AUTH_DO_SYNC_MS: '60001' }],
  ])('names %s when it is invalid (%j)', (setting, env) => {
    expect(problems({ ...base, ...env })).toEqual([setting]);
  });
});
