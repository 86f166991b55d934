import { describe, expect, it } from 'vitest';
import { CompositeAuth } from '../../src/composite/index.js';
import { CloudApiError, ConfigError } from '../../src/errors/index.js';
import type { Session } from '../../src/mastra/index.js';
import { thrownBy } from '../support/errors.js';
import { type Call, fakeProvider, mastraRequest, sessionMethods, ssoMethods, userMethods } from './fakes.js';

const outage = () => new CloudApiError('Cloud did not answer', { status: 503 });

/** Apply a header record the way `@mastra/server`'s logout route does. */
function appliedLikeMastra(record: Record<string, string>): Headers {
  const headers = new Headers({ 'Content-Type': 'application/json' });
  for (const [key, value] of Object.entries(record)) headers.append(key, value);
  return headers;
}

describe('SSO delegation', () => {
  it('uses the first SSO provider for every SSO method', async () => {
    const firstCalls: Call[] = [];
    const secondCalls: Call[] = [];
    const cookieHeaders: Array<string | null> = [];
    const first = fakeProvider({
      extra: ssoMethods('first', firstCalls, {
        getLoginCookies: (uri: string, state: string) => [`flow=${state}; Path=/`, `uri=${uri.length}`],
        getLogoutUrl: async (uri: string) => `https://first.example/logout?r=${uri}`,
        setCallbackCookieHeader: (header: string | null) => cookieHeaders.push(header),
      }),
    });
    const second = fakeProvider({ extra: ssoMethods('second', secondCalls) });
    const auth = new CompositeAuth([fakeProvider(), first, second]);

    expect(await auth.getLoginUrl('https://r/cb', 's1')).toBe('https://first.example/login?state=s1');
    expect(auth.getLoginCookies('https://r/cb', 's1')).toEqual(['flow=s1; Path=/', 'uri=12']);
    auth.setCallbackCookieHeader('flow=s1');
    auth.setCallbackCookieHeader(null);
    expect(cookieHeaders).toEqual(['flow=s1', null]);
    expect(await auth.handleCallback('code', 's1')).toMatchObject({
      user: { id: 'first-user' },
      cookies: ['first=1'],
    });
    expect(auth.getLoginButtonConfig()).toEqual({ provider: 'first', text: 'Sign in with first' });
    expect(await auth.getLogoutUrl('https://r')).toBe('https://first.example/logout?r=https://r');
    expect(firstCalls.map((call) => call.method)).toEqual(['getLoginUrl', 'handleCallback']);
    expect(secondCalls).toEqual([]);
  });

  it('throws the exact "No SSO provider" error without one, and falls back elsewhere', async () => {
    const auth = new CompositeAuth([fakeProvider()]);
    const error = thrownBy(() => auth.getLoginUrl('https://r/cb', 's'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      message: 'No SSO provider configured in CompositeAuth',
      setting: 'providers',
    });
    await expect(auth.handleCallback('c', 's')).rejects.toThrow(
      new ConfigError('providers', 'No SSO provider configured in CompositeAuth'),
    );
    expect(auth.getLoginButtonConfig()).toEqual({ provider: 'unknown', text: 'Sign in' });
    expect(await auth.getLogoutUrl('https://r')).toBeNull();
    expect(auth.getLoginCookies('https://r/cb', 's')).toBeUndefined();
    expect(() => auth.setCallbackCookieHeader('x=1')).not.toThrow();
  });

  it('answers null for logout when the SSO provider has no logout URL or fails (reported)', async () => {
    const errors: string[] = [];
    const failing = fakeProvider({
      name: 'sso',
      extra: ssoMethods('s', [], { getLogoutUrl: () => Promise.reject(outage()) }),
    });
    expect(
      await new CompositeAuth([fakeProvider({ extra: ssoMethods('s', []) })]).getLogoutUrl('https://r'),
    ).toBeNull();
    const auth = new CompositeAuth([failing], {
      onError: ({ provider, operation }) => errors.push(`${provider}:${operation}`),
    });
    expect(await auth.getLogoutUrl('https://r')).toBeNull();
    expect(errors).toEqual(['sso:getLogoutUrl']);
  });
});

describe('session delegation', () => {
  it('creates on the first session provider and validates/refreshes with the first non-null', async () => {
    const a = sessionMethods('a');
    const b = sessionMethods('b');
    const auth = new CompositeAuth([fakeProvider({ extra: a }), fakeProvider({ extra: b })]);
    const created = await auth.createSession('u1');
    expect(created.id).toBe('a-u1');
    const onlyInB = await b.createSession('u2');
    expect(await auth.validateSession('b-u2')).toEqual(onlyInB);
    expect(await auth.refreshSession('b-u2')).toEqual(onlyInB);
    expect(await auth.validateSession('missing')).toBeNull();
    expect(await auth.refreshSession('missing')).toBeNull();
    expect(auth.getSessionHeaders(created)).toEqual({ 'Set-Cookie': 'a=a-u1; Path=/' });
  });

  it('reads the session id from the first provider that finds one', () => {
    const auth = new CompositeAuth([
      fakeProvider({ extra: sessionMethods('a') }),
      fakeProvider({
        extra: {
          ...sessionMethods('b'),
          getSessionIdFromRequest: () => {
            throw new Error('bad cookie');
          },
        },
      }),
      fakeProvider({ extra: sessionMethods('c') }),
    ]);
    expect(
      auth.getSessionIdFromRequest(new Request('https://r', { headers: { 'x-c-session': 'sid' } })),
    ).toBe('sid');
    expect(auth.getSessionIdFromRequest(new Request('https://r'))).toBeNull();
  });

  it('destroys the session in every session provider, even when one fails', async () => {
    const a = sessionMethods('a');
    const c = sessionMethods('c');
    await a.createSession('u');
    await c.createSession('u');
    const errors: string[] = [];
    const auth = new CompositeAuth(
      [
        fakeProvider({ extra: a }),
        fakeProvider({
          name: 'b',
          extra: { ...sessionMethods('b'), destroySession: () => Promise.reject(outage()) },
        }),
        fakeProvider({ extra: c }),
      ],
      { onError: ({ provider, operation }) => errors.push(`${provider}:${operation}`) },
    );
    await auth.destroySession('a-u');
    await auth.destroySession('c-u');
    expect(a.sessions.size).toBe(0);
    expect(c.sessions.size).toBe(0);
    expect(errors).toEqual(['b:destroySession', 'b:destroySession']);
  });

  it('throws the exact "No session provider" error, and answers empty otherwise', async () => {
    const auth = new CompositeAuth([fakeProvider()]);
    const error = await auth.createSession('u').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      message: 'No session provider configured in CompositeAuth',
      setting: 'providers',
    });
    expect(await auth.validateSession('s')).toBeNull();
    expect(await auth.refreshSession('s')).toBeNull();
    await expect(auth.destroySession('s')).resolves.toBeUndefined();
    expect(auth.getSessionIdFromRequest(new Request('https://r'))).toBeNull();
    const session: Session = { id: 's', userId: 'u', expiresAt: new Date(0), createdAt: new Date(0) };
    expect(auth.getSessionHeaders(session)).toEqual({});
    expect(auth.getClearSessionHeaders()).toEqual({});
    expect(auth.getClearSessionCookies()).toEqual([]);
  });

  it('makes an outage visible when no session provider could validate', async () => {
    const down = outage();
    const auth = new CompositeAuth([
      fakeProvider({ extra: { ...sessionMethods('a'), validateSession: () => Promise.reject(down) } }),
      fakeProvider({ extra: sessionMethods('b') }),
    ]);
    await expect(auth.validateSession('unknown')).rejects.toBe(down);
  });

  it('keeps every provider Set-Cookie when clearing sessions, through Headers.append as Mastra does', () => {
    const auth = new CompositeAuth([
      fakeProvider({ extra: sessionMethods('a') }),
      fakeProvider(),
      fakeProvider({ extra: sessionMethods('b') }),
      fakeProvider({
        extra: {
          getClearSessionHeaders: () => ({
            'set-cookie': 'mastra-token=; Max-Age=0',
            'Clear-Site-Data': '"cookies"',
          }),
        },
      }),
      fakeProvider({
        extra: {
          getClearSessionHeaders: () => {
            throw new Error('broken');
          },
        },
      }),
    ]);
    const expected = ['a=; Path=/; Max-Age=0', 'b=; Path=/; Max-Age=0', 'mastra-token=; Max-Age=0'];
    expect(auth.getClearSessionCookies()).toEqual(expected);
    const headers = appliedLikeMastra(auth.getClearSessionHeaders());
    expect(headers.getSetCookie()).toEqual(expected);
    expect(headers.get('clear-site-data')).toBe('"cookies"');
  });
});

describe('user delegation', () => {
  const ada = { id: 'ada', email: 'ada@example.com' };
  const bob = { id: 'bob' };
  const cy = { id: 'cy' };

  it('finds the current user and users by id across user providers, first non-null wins', async () => {
    const auth = new CompositeAuth([
      fakeProvider({ extra: userMethods([ada]) }),
      fakeProvider({ extra: userMethods([{ id: 'ada', email: 'shadow@example.com' }, bob]) }),
    ]);
    expect(await auth.getCurrentUser(new Request('https://r', { headers: { 'x-user': 'bob' } }))).toBe(bob);
    expect(await auth.getCurrentUser(new Request('https://r'))).toBeNull();
    expect(await auth.getUser('ada')).toBe(ada);
    expect(await auth.getUser('bob')).toBe(bob);
    expect(await auth.getUser('nobody')).toBeNull();
  });

  it('remembers who found the current user, so authorization goes to that provider', async () => {
    const first = fakeProvider({ authorize: () => true, extra: userMethods([ada]) });
    const second = fakeProvider({ authorize: () => false, extra: userMethods([bob]) });
    const auth = new CompositeAuth([first, second]);
    const user = await auth.getCurrentUser(new Request('https://r', { headers: { 'x-user': 'bob' } }));
    expect(auth.authenticatedBy(user)).toBe(second);
    expect(await auth.authorizeUser(user, mastraRequest())).toBe(false);
  });

  it('keeps the input order with null for misses, using getUsers when a provider has it', async () => {
    const batchCalls: string[][] = [];
    const batch = userMethods([bob], true);
    const getUsers = batch.getUsers as (ids: string[]) => Promise<unknown[]>;
    const auth = new CompositeAuth([
      fakeProvider({ extra: userMethods([cy]) }),
      fakeProvider({
        extra: {
          ...batch,
          getUsers: (ids: string[]) => {
            batchCalls.push(ids);
            return getUsers(ids);
          },
        },
      }),
      fakeProvider({ extra: userMethods([ada]) }),
    ]);
    expect(await auth.getUsers(['ada', 'x', 'bob', 'cy', 'ada'])).toEqual([ada, null, bob, cy, ada]);
    expect(batchCalls).toEqual([['ada', 'x', 'bob', 'ada']]);
    expect(await auth.getUsers([])).toEqual([]);
  });

  it('ignores a getUsers answer of the wrong length and reports it', async () => {
    const errors: string[] = [];
    const auth = new CompositeAuth(
      [
        fakeProvider({ name: 'liar', extra: { ...userMethods([]), getUsers: async () => [ada] } }),
        fakeProvider({ extra: userMethods([bob]) }),
      ],
      { onError: ({ provider, operation }) => errors.push(`${provider}:${operation}`) },
    );
    expect(await auth.getUsers(['ada', 'bob'])).toEqual([null, bob]);
    expect(errors).toEqual(['liar:getUsers']);
  });

  it('throws an outage when a user could not be looked up because a provider was down', async () => {
    const down = outage();
    const auth = new CompositeAuth([
      fakeProvider({ extra: { ...userMethods([]), getUser: () => Promise.reject(down) } }),
      fakeProvider({ extra: userMethods([bob]) }),
    ]);
    expect(await auth.getUsers(['bob'])).toEqual([bob]);
    await expect(auth.getUsers(['bob', 'ghost'])).rejects.toBe(down);
    await expect(auth.getUser('ghost')).rejects.toBe(down);
  });

  it('answers null without user providers', async () => {
    const auth = new CompositeAuth([fakeProvider()]);
    expect(await auth.getCurrentUser(new Request('https://r'))).toBeNull();
    expect(await auth.getUser('a')).toBeNull();
    expect(await auth.getUsers(['a', 'b'])).toEqual([null, null]);
  });
});

describe('RBAC delegation', () => {
  const rbac = (roles: string[], permissions: string[]) => ({
    getRoles: async () => roles,
    hasRole: async (_u: unknown, role: string) => roles.includes(role),
    getPermissions: async () => permissions,
    hasPermission: async (_u: unknown, p: string) => permissions.includes(p),
    hasAllPermissions: async (_u: unknown, ps: string[]) => ps.every((p) => permissions.includes(p)),
    hasAnyPermission: async (_u: unknown, ps: string[]) => ps.some((p) => permissions.includes(p)),
  });

  it('uses the first RBAC provider', async () => {
    const auth = new CompositeAuth([
      fakeProvider(),
      fakeProvider({ extra: rbac(['admin'], ['agents:read', 'tools:read']) }),
      fakeProvider({ extra: rbac(['other'], ['*']) }),
    ]);
    const user = { id: 'u' };
    expect(await auth.getRoles(user)).toEqual(['admin']);
    expect(await auth.hasRole(user, 'admin')).toBe(true);
    expect(await auth.hasRole(user, 'other')).toBe(false);
    expect(await auth.getPermissions(user)).toEqual(['agents:read', 'tools:read']);
    expect(await auth.hasPermission(user, 'tools:read')).toBe(true);
    expect(await auth.hasAllPermissions(user, ['agents:read', 'tools:read'])).toBe(true);
    expect(await auth.hasAllPermissions(user, ['agents:read', 'x:y'])).toBe(false);
    expect(await auth.hasAnyPermission(user, ['x:y', 'tools:read'])).toBe(true);
  });

  it('asks the provider that authenticated the user when it does RBAC', async () => {
    const first = fakeProvider({ users: { a: { id: 'a' } }, extra: rbac(['service'], ['*']) });
    const second = fakeProvider({ users: { b: { id: 'b' } }, extra: rbac(['viewer'], ['*:read']) });
    const plain = fakeProvider({ users: { c: { id: 'c' } } });
    const auth = new CompositeAuth([first, second, plain]);
    const fromSecond = await auth.authenticateToken('b', mastraRequest());
    expect(await auth.getRoles(fromSecond)).toEqual(['viewer']);
    expect(await auth.getPermissions(fromSecond)).toEqual(['*:read']);
    expect(await auth.hasPermission(fromSecond, '*:read')).toBe(true);
    const fromFirst = await auth.authenticateToken('a', mastraRequest());
    expect(await auth.getPermissions(fromFirst)).toEqual(['*']);
    // A user from a provider without RBAC falls back to the first RBAC provider (CONTRACT 3).
    const fromPlain = await auth.authenticateToken('c', mastraRequest());
    expect(await auth.getRoles(fromPlain)).toEqual(['service']);
  });

  it('grants no roles and no permissions without an RBAC provider', async () => {
    const auth = new CompositeAuth([fakeProvider()]);
    const user = { id: 'u' };
    expect(await auth.getRoles(user)).toEqual([]);
    expect(await auth.hasRole(user, 'admin')).toBe(false);
    expect(await auth.getPermissions(user)).toEqual([]);
    expect(await auth.hasPermission(user, '*')).toBe(false);
    expect(await auth.hasAllPermissions(user, ['tools:read'])).toBe(false);
    expect(await auth.hasAnyPermission(user, ['tools:read'])).toBe(false);
  });
});
